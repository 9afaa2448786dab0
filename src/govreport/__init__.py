"""govreport: Chinese government information-disclosure annual reports as validated data.

Public API:
- ``parse(path)`` -> ParsedReport with ``.values`` (the long table), ``.unmapped``,
  ``.findings``, ``.placeholders``, ``.facts``, ``.timeliness``, ``.meta``: what ingest stores for the report
- ``ingest(paths, out_dir)`` -> IngestResult; writes Parquet + CSV tables
- ``load(processed_dir)`` -> the processed tables as DataFrames
- ``audit(paths, expected_dirs)`` -> per-report parse quality (expected cells found, fuzzy, unmapped, checks)
- ``ReportError``: bad input, with a one-line message naming the file
- ``SelectionError``: ``load(agencies=…, years=…)`` asked for an agency or year the data does not hold
  (one line naming the closest agencies or the years there are)
"""
from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["parse", "ingest", "load", "audit", "data_dictionary", "ParsedReport", "IngestResult", "Document", "ReportError", "SelectionError",
           "__version__"]
# imported on first use (PEP 562), so `govreport --help` and `govreport parse` do not pay for pandas up front
_WHERE = {"parse": ".pipeline", "ingest": ".pipeline", "audit": ".pipeline", "data_dictionary": ".schemas",
          "ParsedReport": ".model", "IngestResult": ".ingestion.corpus", "load": ".store", "Document": ".model",
          "ReportError": ".errors", "SelectionError": ".errors"}


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'govreport' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
