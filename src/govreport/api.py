"""The public pipeline, by its public names: parse one report, ingest many, load what was written.

The stages live in pipeline.py (the order), parsed.py (one report's records),
engines.py (the per-file function and its runners) and assemble.py (the
cross-report steps); this module keeps the names callers import.
"""
from __future__ import annotations

from .assemble import data_dictionary
from .parsed import ParsedReport
from .engines import IngestResult
from .pipeline import ingest, parse
from .store import Processed, load

__all__ = ["parse", "ingest", "load", "data_dictionary", "ParsedReport", "IngestResult", "Processed"]
