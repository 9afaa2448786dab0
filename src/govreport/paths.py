"""The one place that resolves every project path.

The project root is the directory that contains ``data/raw``. It is taken, in
order, from an explicit argument (the CLI's ``--root``), the ``GOVREPORT_ROOT``
environment variable, the source checkout this package was imported from, and
finally the current directory or one of its parents. Everything else (processed
data, build products, published reports, notebooks) hangs off that root, so no
stage depends on the directory it happens to be started from.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

ROOT_ENV = "GOVREPORT_ROOT"

PathLike = Union[str, os.PathLike]


class RootNotFound(RuntimeError):
    """No directory containing data/raw could be found."""


@dataclass(frozen=True)
class ProjectPaths:
    """Absolute paths of one project checkout."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def executed(self) -> Path:
        """Executed notebooks (papermill output), one per report run."""
        return self.build / "executed"

    @property
    def jupyter_dir(self) -> Path:
        """A build-local Jupyter data dir holding the kernelspec for this interpreter."""
        return self.build / "jupyter"

    @property
    def manifest(self) -> Path:
        return self.build / "manifest.json"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def reports_data(self) -> Path:
        """Copies of the processed tables published beside the HTML reports."""
        return self.reports / "data"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def raw_files(self) -> list[Path]:
        """Report files ingest reads under data/raw (subfolders too; hidden names skipped)."""
        from .readers.walk import discover  # readers import the store: keep this module light

        if not self.raw.is_dir():
            return []
        return discover([self.raw])[0]


def _has_raw(directory: Path) -> bool:
    return (directory / "data" / "raw").is_dir()


def _checkout_root() -> Optional[Path]:
    """The source checkout this module lives in (src/govreport/paths.py -> root)."""
    candidate = Path(__file__).resolve().parents[2]
    return candidate if _has_raw(candidate) else None


def _search_upwards(start: Path) -> Optional[Path]:
    for directory in (start, *start.parents):
        if _has_raw(directory):
            return directory
    return None


def find_root(root: Optional[PathLike] = None) -> Path:
    """Resolve the project root (see the module docstring for the order)."""
    if root is not None:
        path = Path(root).expanduser().resolve()
        if not _has_raw(path):
            raise RootNotFound(f"{path}: no data/raw directory under the given root")
        return path
    env = os.environ.get(ROOT_ENV)
    if env:
        path = Path(env).expanduser().resolve()
        if not _has_raw(path):
            raise RootNotFound(f"{path}: {ROOT_ENV} points to a directory without data/raw")
        return path
    found = _checkout_root() or _search_upwards(Path.cwd().resolve())
    if found is None:
        raise RootNotFound(
            f"no data/raw found: set {ROOT_ENV}, pass --root, or run inside a project checkout"
        )
    return found


def project_paths(root: Optional[PathLike] = None) -> ProjectPaths:
    """Paths of the project at ``root`` (or the resolved default root)."""
    return ProjectPaths(find_root(root))
