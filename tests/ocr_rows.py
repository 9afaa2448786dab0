"""The reader's output for real scans, recorded in tests/data/ocr_rows/ (its README says which scan and code),
loaded back as a Document with its OcrCells; and the hand-checked values of the same real case."""
from __future__ import annotations

import json
import math
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from govreport.model import Block, Document, OcrCell

DATA = Path(__file__).resolve().parent / "data"


def _cell(c):
    return c if c is None or isinstance(c, str) else OcrCell(c["t"], c["c"], c["p"], tuple(c["b"]))


@lru_cache(maxsize=None)
def _recorded(name: str) -> Document:
    d = json.loads((DATA / "ocr_rows" / f"{name}.json").read_text(encoding="utf-8"))
    blocks = [Block.line(_cell(b["text"]), page=b["page"]) if b["kind"] == "text"
              else Block.table([[_cell(c) for c in r] for r in b["rows"]], page=b["page"]) for b in d["blocks"]]
    return Document(path=Path(d["source"]), format=d["format"], blocks=blocks, hard_wrapped=d["hard_wrapped"],
                    meta=d["meta"])


def recorded(name: str) -> Document:
    """A fresh Document of the recorded scan ``name`` (its blocks a new list: a test may change them)."""
    doc = _recorded(name)
    return replace(doc, blocks=list(doc.blocks))


@lru_cache(maxsize=None)
def truth(case: str) -> dict:
    """{'metric|applicant': value} hand-checked for the real case (tests/data/real/expected)."""
    return json.loads((DATA / "real" / "expected" / f"{case}.json").read_text(encoding="utf-8"))["values"]


def wrong(values: list[dict], case: str) -> list:
    """(cell, truth, stored) of every stored value that differs from the hand-checked one."""
    t = truth(case)
    return [(k, t[k], v["value"]) for v in values if (k := f"{v['metric']}|{v['applicant']}") in t
            and not math.isnan(v["value"]) and v["value"] != t[k]]
