"""Seed projects for the publishing tests: a temporary root with data/raw (and notebooks/ where asked).

``built_seed_project()`` runs the real build once per test session (ingest of
the two seeds, papermill on both notebooks, HTML export) and caches the result,
so the notebook, build, browser and portability tests share one build. Its root
holds only data/raw, so that build also shows the packaged notebooks are found.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import io
import shutil
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = ("shapotou_gov_service_center_2018.txt", "shapotou_gov_service_center_2021.txt")


def make_project(parent: Path, notebooks: bool = True) -> Path:
    """A project root holding the two seed reports and, with ``notebooks``, its own copy of the notebooks (as
    `govreport notebooks --copy`); without it the build uses the notebooks shipped in the package."""
    from govreport.paths import packaged_notebooks

    root = Path(parent) / "project"
    (root / "data" / "raw").mkdir(parents=True)
    for name in SEEDS:
        shutil.copy2(REPO / "data" / "raw" / name, root / "data" / "raw" / name)
    if notebooks:
        shutil.copytree(packaged_notebooks(), root / "notebooks")
    return root


def build_args(root: Path, **overrides) -> argparse.Namespace:
    from govreport.publish.build import add_build_arguments

    args = add_build_arguments(argparse.ArgumentParser()).parse_args(["--root", str(root)])
    for key, value in overrides.items():
        setattr(args, key, value)
    return args


@dataclass
class BuildRun:
    code: int
    output: str
    seconds: float


def run_build(root: Path, **overrides) -> BuildRun:
    """govreport build on ``root``, capturing what it prints."""
    from govreport.publish.build import run_build as _run

    buffer = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = _run(build_args(root, **overrides))
    return BuildRun(code, buffer.getvalue(), time.perf_counter() - started)


@dataclass
class SeedBuild:
    root: Path
    first: BuildRun


@lru_cache(maxsize=None)
def built_seed_project() -> SeedBuild:
    """The two seeds built in a root that holds only data/raw (no notebooks/: the packaged ones are used)."""
    parent = Path(tempfile.mkdtemp(prefix="govreport-build-"))
    atexit.register(shutil.rmtree, parent, True)
    root = make_project(parent, notebooks=False)
    return SeedBuild(root, run_build(root, jobs=2))


@dataclass
class BilingualBuild:
    root: Path
    before_english: dict  # reports/*.html: name -> bytes, as the Chinese build left them
    english: BuildRun  # build --lang en
    after_english: dict  # every file under reports/ right after the English build: relative path -> bytes
    chinese: BuildRun  # the Chinese build again (its index then links the English site)


def _tree(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@lru_cache(maxsize=None)
def built_bilingual() -> BilingualBuild:
    """A copy of the seed build with the English site built beside the Chinese one (reports/en/), then the
    Chinese site again, each step's result kept: shared by the browser, English-edition and portability tests."""
    seed = built_seed_project()
    assert seed.first.code == 0, seed.first.output
    root = Path(tempfile.mkdtemp(prefix="govreport-bilingual-")) / "project"
    atexit.register(shutil.rmtree, root.parent, True)
    shutil.copytree(seed.root, root, ignore=shutil.ignore_patterns("screenshots"))
    before = {p.name: p.read_bytes() for p in (root / "reports").glob("*.html")}
    english = run_build(root, lang="en", jobs=2)
    after = _tree(root / "reports")
    chinese = run_build(root) if english.code == 0 else BuildRun(-1, "not run: the English build failed", 0.0)
    return BilingualBuild(root, before, english, after, chinese)


def built_bilingual_project() -> Path:
    """The root of ``built_bilingual()``, both builds asserted to have succeeded."""
    both = built_bilingual()
    assert both.english.code == 0, both.english.output
    assert both.chinese.code == 0, both.chinese.output
    return both.root


def page_text(page: str) -> str:
    """Visible text of an HTML page (tags dropped, entities decoded), for assertions."""
    import html
    import re

    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))
