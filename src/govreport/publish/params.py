"""The notebooks' parameters, checked in one place: the first cell after the papermill ``parameters`` cell
calls ``yearly()`` or ``comparison()`` and gets typed values back, or one line saying what is wrong.

papermill's ``-p years "[2024]"`` hands the notebook the *string* "[2024]", and a Jupyter user types 2024 or
"2023,2024": every such spelling of a list is accepted here, so a typing habit never crashes deep inside
pandas. The data folder is found as the CLI finds it (``processed_dir``, else GOVREPORT_ROOT, else the
project the notebook's folder stands in), so a notebook runs from any folder.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from govreport.errors import GovreportError, SelectionError
from govreport.paths import RootNotFound, project_paths
from govreport.store import MANIFEST
from govreport.report.access import resolve_agency as _resolve
from govreport.report.wording import LANGS


class ParameterError(GovreportError, ValueError):
    """A notebook parameter that cannot be used. In a notebook it shows as its one line, no traceback:
    IPython prints what ``_render_traceback_`` returns."""

    def _render_traceback_(self) -> list:
        return [f"ParameterError: {self}"]


@dataclass(frozen=True)
class Params:
    """The checked parameters of one notebook run."""

    processed_dir: Path
    lang: str
    agency: Optional[str] = None
    year: Optional[int] = None
    years: Optional[list] = None


_YEAR = re.compile(r"\d{4}")
_HINT = "write one year as 2024, several as 2023,2024 or [2023, 2024]"


def parse_year(value: Any, name: str = "year") -> int:
    """One reporting year from 2024, "2024" or 2024.0; ParameterError otherwise."""
    if isinstance(value, bool):
        raise ParameterError(f"{name}: {value!r} is not a year ({_HINT})")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().strip("'\"")
    if not _YEAR.fullmatch(text):
        raise ParameterError(f"{name}: {value!r} is not a year ({_HINT})")
    return int(text)


def parse_years(value: Any, name: str = "years") -> Optional[list]:
    """A list of years from None, 2024, [2023, 2024], "[2023, 2024]", "2023,2024" or "2023 2024"; None (and
    "", "None", "all") means every year there is. Sorted, each once."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null", "all")):
        return None
    if isinstance(value, str):
        items = [p for p in re.split(r"[\s,;，、]+", value.strip().strip("[]()")) if p]
    elif isinstance(value, (list, tuple, set)):
        items = list(value)
    else:
        items = [value]
    if not items:
        raise ParameterError(f"{name}: {value!r} names no year ({_HINT})")
    return sorted({parse_year(v, name) for v in items})


def parse_agency(value: Any) -> Optional[str]:
    """An agency as written (an agency_id, a written name or an alias; resolved against the data later), or
    None for every agency."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ParameterError(f"agency: {value!r} is not a name (write an agency_id, a written name or an alias)")
    return str(value).strip()


def parse_lang(value: Any) -> str:
    """One of the page languages (catalog wording): "zh" or "en"."""
    text = str(value).strip().lower() if value is not None else ""
    if text not in LANGS:
        raise ParameterError(f"lang: {value!r} is not a page language (one of {', '.join(LANGS)})")
    return text


def data_dir(processed_dir: Any) -> Path:
    """The processed-data folder: ``processed_dir`` when given, else data/processed of the project found as
    the CLI finds it (GOVREPORT_ROOT, then the current folder or a parent with data/raw)."""
    if processed_dir is None or (isinstance(processed_dir, str) and processed_dir.strip().lower() in ("", "none")):
        try:
            path = project_paths().processed
        except RootNotFound as exc:
            raise ParameterError(f"processed_dir: no project found ({exc}); set GOVREPORT_ROOT to the project "
                                 "folder or pass -p processed_dir PATH") from None
    else:
        path = Path(str(processed_dir)).expanduser()
        if not path.is_dir():
            raise ParameterError(f"processed_dir: {path} is not a folder (the project's data/processed, "
                                 "written by govreport ingest)")
    if not (path / MANIFEST).is_file():
        raise ParameterError(f"processed_dir: {path}: no processed data (run `govreport ingest` first)")
    return path.resolve()


def yearly(year: Any, agency: Any = None, processed_dir: Any = None, lang: Any = "zh") -> Params:
    """The yearly-report notebook's parameters, checked."""
    return Params(year=parse_year(year), agency=parse_agency(agency), lang=parse_lang(lang),
                  processed_dir=data_dir(processed_dir))


def comparison(agency: Any = None, years: Any = None, processed_dir: Any = None, lang: Any = "zh") -> Params:
    """The comparison notebook's parameters, checked."""
    return Params(years=parse_years(years), agency=parse_agency(agency), lang=parse_lang(lang),
                  processed_dir=data_dir(processed_dir))


def resolve_agency(data: Any, agency: str, years: Optional[list] = None) -> str:
    """report.resolve_agency, its SelectionError (no such agency, two, or no report in one of ``years``) shown
    as a one-line ParameterError naming the closest agencies or the years there are."""
    try:
        return _resolve(data, agency, years)
    except SelectionError as exc:
        raise ParameterError(f"agency: {exc.problem}") from None
