"""The published downloads beside the tables: an Excel workbook, a DuckDB file and the data licence.

A researcher who does not read Parquet opens the workbook (one sheet per main table, the data dictionary
as a sheet, and a ``contents`` sheet saying which sheet holds which table with how many rows) or attaches
the database (every table as a real table, made from the Parquet just written, so the two cannot differ).
Excel holds at most 1,048,576 rows a sheet, the header among them: a longer table is split over numbered
sheets (``values_1``, ``values_2`` …) and the contents sheet lists each part, so nothing is silently cut.
The licence notice is made from the methods page's catalog rows, so the two say the same.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import duckdb
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from govreport.report.wording import table_description, term
from govreport.store import atomic_write, write_text

WORKBOOK = "govreport.xlsx"
DATABASE = "govreport.duckdb"
LICENCE = "LICENSE"
DOWNLOADS = (WORKBOOK, DATABASE, LICENCE)
WORKBOOK_TABLES = ("reports", "values", "findings", "timeliness", "harmonized", "unmapped", "data_dictionary")
CONTENTS_SHEET = "contents"
EXCEL_MAX_ROWS = 1_048_576  # rows in one Excel sheet, the header row among them


def write_downloads(out_dir: Path, tables: dict[str, pd.DataFrame], files: Iterable[str]) -> list[str]:
    """Write the workbook, the database (from the Parquet ``files`` already in ``out_dir``) and the licence
    into ``out_dir``; returns their names, relative, for the manifest."""
    out_dir = Path(out_dir)
    files = list(files)
    atomic_write(out_dir / WORKBOOK, lambda p: write_workbook(tables, Path(p)))
    atomic_write(out_dir / DATABASE, lambda p: write_database(out_dir, files, Path(p)))
    write_text(licence_text(), out_dir / LICENCE)
    return list(DOWNLOADS)


# --------------------------------------------------------------------------
# the workbook

def sheet_parts(name: str, frame: pd.DataFrame, max_rows: int = EXCEL_MAX_ROWS) -> list[tuple[str, pd.DataFrame]]:
    """The sheets a table fills: one, or numbered parts of at most ``max_rows - 1`` rows each."""
    per = max_rows - 1
    if len(frame) <= per:
        return [(name, frame)]
    return [(f"{name}_{n}", frame.iloc[start:start + per]) for n, start in enumerate(range(0, len(frame), per), 1)]


def _cell_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Characters an XLSX file cannot hold (C0 controls) dropped from text cells; the CSV and Parquet keep them."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column])):
            continue
        out[column] = out[column].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
    return out


def write_workbook(tables: dict[str, pd.DataFrame], path: Path, max_rows: int = EXCEL_MAX_ROWS) -> None:
    """The main tables, one sheet each (split when longer than a sheet), after a contents sheet."""
    names = [n for n in WORKBOOK_TABLES if n in tables]
    parts = {n: sheet_parts(n, tables[n], max_rows) for n in names}
    contents = pd.DataFrame(
        [{"table": n, "sheet": sheet, "part": k, "parts": len(parts[n]), "rows": len(frame),
          "table_rows": len(tables[n]), "description_zh": table_description(n, "zh"),
          "description_en": table_description(n, "en")}
         for n in names for k, (sheet, frame) in enumerate(parts[n], 1)])
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        contents.to_excel(writer, sheet_name=CONTENTS_SHEET, index=False)
        for n in names:
            for sheet, frame in parts[n]:
                _cell_safe(frame).to_excel(writer, sheet_name=sheet, index=False)


# --------------------------------------------------------------------------
# the database

def table_parquet(files: Iterable[str], name: str) -> list[str]:
    """The Parquet files of table ``name`` among the written ``files`` (one, or one per year)."""
    return sorted(f for f in files if f.endswith(".parquet") and (f == f"{name}.parquet" or f.startswith(f"{name}/")))


def write_database(out_dir: Path, files: Iterable[str], path: Path) -> None:
    """Every table of ``files`` as a DuckDB table (not a view: the file stands alone), read from its Parquet."""
    files = list(files)
    names = sorted({f.split("/", 1)[0].removesuffix(".parquet") for f in files if f.endswith(".parquet")})
    Path(path).unlink(missing_ok=True)  # DuckDB refuses the empty placeholder file atomic_write made
    con = duckdb.connect(str(path))
    try:
        for name in names:
            con.read_parquet([str(Path(out_dir) / f) for f in table_parquet(files, name)],
                             union_by_name=True).create(name)
    finally:
        con.close()


# --------------------------------------------------------------------------
# the licence

def licence_text() -> str:
    """The data licence notice (CC BY 4.0 for the processed data; the source documents' own status),
    in Chinese then English, from the methods page's catalog rows (narrative_methods.csv)."""
    blocks = []
    for lang in ("zh", "en"):
        data = f"{term('licence.data_id', lang)} ({term('licence.data_url', lang)})"
        blocks.append("\n\n".join([term("licence.notice_title", lang), term("licence.holder", lang),
                                   term("licence.data", lang, data=data), term("licence.sources", lang),
                                   term("licence.code", lang, code=term("licence.code_id", lang))]))
    return "\n\n\n".join(blocks) + "\n"
