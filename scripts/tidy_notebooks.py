"""Keep the shipped notebooks tidy: no outputs, no execution counts, no editor metadata.

The notebooks exist once, as package data (src/govreport/publish/notebooks/*.ipynb;
the checkout's notebooks/ holds symlinks to them): edit them in Jupyter
(``jupyter lab notebooks``) or a text editor, then run ``python scripts/tidy_notebooks.py`` so they are committed thin.
``--check`` changes nothing and exits 1 when a notebook is not tidy (the test
tests/unit/publish/test_notebooks.py runs the same check). An analyst's own copy
comes from ``govreport notebooks --copy DIR``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

PACKAGED = Path(__file__).resolve().parents[1] / "src" / "govreport" / "publish" / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def tidy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as committed: cells keep their source, id and tags (papermill's ``parameters``), nothing else."""
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        cell.metadata = {"tags": list(tags)} if tags else {}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    return nb


def tidy_text(path: Path) -> str:
    """What ``path`` holds once tidied (nbformat's own serialisation, as Jupyter writes it)."""
    return nbformat.writes(tidy(nbformat.read(str(path), as_version=4))) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a notebook is not tidy")
    args = parser.parse_args(argv)
    untidy = []
    for path in sorted(PACKAGED.glob("*.ipynb")):
        text = tidy_text(path)
        if text == path.read_text(encoding="utf-8"):
            continue
        untidy.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
            print(f"tidied {path}")
    if args.check and untidy:
        print("not tidy (run scripts/tidy_notebooks.py): " + ", ".join(str(p) for p in untidy), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
