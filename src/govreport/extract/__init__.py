"""Document + label catalog -> long table of values, plus every unclaimed number.

rows.py turns text lines and cell grids into rows; walker.py places each row's cells on metrics by the
catalog's sections, layouts and labels; fuzzy.py is the scored fallback for labels no pattern matches;
plausible.py then moves what no cell can mean (an ID number, a negative count, inf) from values to unmapped.
Figures stated in the prose: sentences.py gives the prose sentences (bounded per report), facts.py reads each
number+unit pair with its subject and table metric, with the word lists of fact_lexicon.py.
"""
from __future__ import annotations

from govreport.model import Document
from govreport.extract import plausible
from govreport.extract.rows import Row, collapse_spans, document_rows
from govreport.extract.walker import Extraction, _Walker

__all__ = ["Extraction", "Row", "collapse_spans", "document_rows", "extract"]


def extract(doc: Document, template: str, report_id: str = "") -> Extraction:
    """Map every value cell of the document's tables to a metric or to unmapped (implausible values too)."""
    walker = _Walker(template, report_id, by_position=doc.format in ("pdf", "image"))  # labels read from positions
    return plausible.screen(walker.walk(document_rows(doc)), template, report_id)
