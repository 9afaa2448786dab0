"""No name is used that is never defined: pyflakes' undefined-name check over the package, its notebooks, scripts
and benchmarks.

A name used on a path no test takes fails only when a reader's report takes it: the parse-quality section quoted
unmapped labels through ``original`` without importing it (2026-12-06 to 12-07), so the yearly page of every
report with an unmapped number failed (tests/unit/report/test_report_unread_numbers.py). This finds such a name
in any module without running it.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

from pyflakes import checker, messages

from locations import REPO

UNDEFINED = (messages.UndefinedName, messages.UndefinedLocal, messages.UndefinedExport)


def undefined_names(path: Path) -> list[str]:
    """pyflakes' undefined names of a module, or of a notebook's code cells read as one module (in order)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "code")
    tree = ast.parse(text, filename=str(path))
    return [f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}:{m.lineno}: {m.message % m.message_args}"
            for m in checker.Checker(tree, filename=str(path)).messages if isinstance(m, UNDEFINED)]


def test_no_module_or_notebook_uses_a_name_it_never_defines():
    files = sorted([*(REPO / "src" / "govreport").rglob("*.py"), *(REPO / "scripts").glob("*.py"),
                    *(REPO / "benchmarks").glob("*.py"), *(REPO / "src" / "govreport").rglob("*.ipynb"),
                    *(REPO / "notebooks").glob("*.ipynb")])
    assert len(files) > 100 and sum(f.suffix == ".ipynb" for f in files) == 4
    found = [line for f in files for line in undefined_names(f)]
    assert found == [], "\n".join(found)


def test_the_check_sees_a_name_used_but_not_imported(tmp_path):
    module = tmp_path / "findings.py"
    module.write_text("from model import Table\n\n\ndef rows(r, lang):\n    return Table([original(r, lang)])\n",
                      encoding="utf-8")
    assert undefined_names(module) == [f"{module}:5: undefined name 'original'"]
