"""govreport: Chinese government information-disclosure annual reports as validated data.

Public API:
- ``parse(path)`` -> ParsedReport with ``.values`` (the long table), ``.unmapped``,
  ``.findings``, ``.placeholders``, ``.meta``
- ``ingest(paths, out_dir)`` -> IngestResult; writes Parquet + CSV tables
- ``load(processed_dir)`` -> the processed tables as DataFrames
- ``ReportError``: bad input, with a one-line message naming the file
"""
from .api import IngestResult, ParsedReport, data_dictionary, ingest, parse
from .document import Document, ReportError
from .store import load

__version__ = "0.1.0"
__all__ = ["parse", "ingest", "load", "data_dictionary", "ParsedReport", "IngestResult", "Document", "ReportError", "__version__"]
