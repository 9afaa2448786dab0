"""The one place that resolves every project path.

The project root is the directory that contains ``data/raw``. It is taken, in
order, from an explicit argument (the CLI's ``--root``), the ``GOVREPORT_ROOT``
environment variable, and the current directory or the nearest parent that has
``data/raw`` -- the folder the user names or stands in, never the checkout the
package happens to be installed from. Every command and ``govreport.load()`` find
it the same way. Everything else (processed data, build products, published
reports) hangs off that root. The notebooks ship inside the package; a project's
own ``notebooks/`` folder (``govreport notebooks --copy``) is used instead when present.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

from govreport.errors import GovreportError

ROOT_ENV = "GOVREPORT_ROOT"

PathLike = Union[str, os.PathLike]


class RootNotFound(GovreportError, RuntimeError):
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
        """The project's own notebooks (an analyst's edited copies), when it has them."""
        return self.root / "notebooks"

    def notebook(self, name: str) -> Path:
        """The notebook a build runs: the project's copy if present, else the packaged one."""
        own = self.notebooks / name
        return own if own.is_file() else packaged_notebooks() / name


def _has_raw(directory: Path) -> bool:
    return (directory / "data" / "raw").is_dir()


def packaged_notebooks() -> Path:
    """The notebooks shipped as package data (src/govreport/publish/notebooks)."""
    return Path(__file__).resolve().parent / "publish" / "notebooks"


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
    found = _search_upwards(Path.cwd().resolve())
    if found is None:
        raise RootNotFound(f"{Path.cwd()}: no data/raw here or in a parent folder; "
                           f"pass --root, set {ROOT_ENV}, or run inside a project folder")
    return found


def find_processed(start: Optional[PathLike] = None) -> Path:
    """The processed folder ``load()`` and ``sql``/``agencies`` read when none is named: under
    ``GOVREPORT_ROOT`` (its data/processed, or the folder itself when it holds a store's manifest.json; no
    data/raw needed), else the project found as :func:`find_root` finds it, else the nearest
    ``data/processed`` from ``start`` (default: the current folder) upwards (a copy of the tables without
    raw files)."""
    env = os.environ.get(ROOT_ENV)
    if start is None and env:
        base = Path(env).expanduser().resolve()
        if (base / "data" / "processed").is_dir():
            return base / "data" / "processed"
        if (base / "manifest.json").is_file():
            return base
        raise FileNotFoundError(f"{base}: {ROOT_ENV} names no processed folder (no data/processed, no manifest.json); "
                                "pass --processed DIR or run `govreport ingest` first")
    if start is None:
        try:
            return find_root().joinpath("data", "processed")
        except RootNotFound:
            pass
    here = Path(start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / "data" / "processed").is_dir():
            return directory / "data" / "processed"
    raise FileNotFoundError(f"{here}: no data/processed here or in a parent folder; pass --processed DIR, set "
                            f"{ROOT_ENV}, or run `govreport ingest` first")


def processed_folder(processed: Optional[PathLike] = None, root: Optional[PathLike] = None) -> Path:
    """The processed folder a reading command uses: ``--processed``, else ``--root``'s data/processed (no
    data/raw needed), else :func:`find_processed`."""
    if processed is not None:
        return Path(processed)
    if root is not None:
        return Path(root).expanduser().resolve() / "data" / "processed"
    return find_processed()


def project_paths(root: Optional[PathLike] = None) -> ProjectPaths:
    """Paths of the project at ``root`` (or the resolved default root)."""
    return ProjectPaths(find_root(root))
