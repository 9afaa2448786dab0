"""LibreOffice conversions of older office files (.doc): one run per file against many files to a run.

Run: .venv/bin/python benchmarks/bench_office.py [--copies K] [--cache DIR]

The real HTML reports of the repository are rendered to Word 97 (.doc) by LibreOffice once (kept in ``--cache``)
and each is copied K times. It prints, for the same files, the CPU seconds of LibreOffice (the children's user
+ system time) and the wall time of converting them one run per file (``office.convert``, what reading one
.doc does) and many to a run (``office.convert_many``, what ingest does first), with one and two runs at a time.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def renders(cache: Path) -> list[Path]:
    """The real HTML reports as .doc files, made once into ``cache``."""
    from govreport.readers.office import soffice_path

    soffice = soffice_path()
    if soffice is None:
        sys.exit("LibreOffice's soffice is not installed (scripts/ensure_soffice.sh installs it)")
    html = sorted((ROOT / "tests" / "data" / "real").glob("*.html"))
    todo = [f for f in html if not (cache / f"{f.stem}.doc").is_file()]
    if todo:
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run([soffice, f"-env:UserInstallation=file://{cache / 'profile'}", "--headless", "--norestore",
                        "--convert-to", "doc:MS Word 97", "--outdir", str(cache), *map(str, todo)],
                       capture_output=True, timeout=1200)
    return [cache / f"{f.stem}.doc" for f in html if (cache / f"{f.stem}.doc").is_file()]


def measure(label: str, fn, n: int) -> None:
    cpu, wall = _children_cpu(), time.perf_counter()
    converted = fn()
    cpu, wall = _children_cpu() - cpu, time.perf_counter() - wall
    print(f"{label:34s} | {converted:4d} of {n} | {cpu:7.2f} CPU-s ({cpu / n:5.3f} a file) | {wall:6.2f} s wall")


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=4, help="copies of each rendered report")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "govreport_bench_doc")
    args = ap.parse_args(argv)
    from govreport.readers import office

    sources = renders(args.cache)
    with tempfile.TemporaryDirectory(prefix="bench_office_") as tmp:
        files = []
        for k in range(args.copies):
            for src in sources:
                files.append(Path(tmp) / "in" / f"{src.stem}_{k}.doc")
                files[-1].parent.mkdir(exist_ok=True)
                shutil.copy(src, files[-1])
        office.convert(files[0], Path(tempfile.mkdtemp(dir=tmp)))  # this process's LibreOffice profile made once
        print(f"{len(files)} .doc files ({len(sources)} real reports rendered by LibreOffice, {args.copies} copies each)")
        print(f"{'how':34s} | done      | LibreOffice CPU                 | wall")

        def one_by_one() -> int:
            return sum(office.convert(f, Path(tempfile.mkdtemp(dir=tmp))).is_file() for f in files)

        measure("one run per file (office.convert)", one_by_one, len(files))
        for parallel in (1, 2):
            measure(f"convert_many, {parallel} run(s) at a time",
                    lambda: len(office.convert_many([str(f) for f in files], Path(tempfile.mkdtemp(dir=tmp)),
                                                    parallel)), len(files))


if __name__ == "__main__":
    main(sys.argv[1:])
