"""Per-report parse throughput, as reports per CPU-second, and where the CPU goes.

Run: .venv/bin/python benchmarks/bench_parse.py [--rounds N] [--files] [--top N] [--no-startup] [--distinct]
     [--docx-cache DIR]

For each format (text: tests/data/real, tests/data/fixtures/text and data/raw; HTML: tests/data and
tests/data/real; DOCX: LibreOffice's renderings of those HTML reports, made once into ``--docx-cache``, left out
with a note when soffice is not installed) it prints
- reports per CPU-second of ``govreport.parse`` in process: the first pass (caches cold but for one warm-up report
  of another format) and the best of ``--rounds`` further passes, each started with the per-process memo caches
  (``MEMOS``: normalize, fuzzy, row guards) cleared, so no round reuses another's work;
- the stages' share of the CPU (cProfile, one pass): read, identify, extract, facts, checks, records, …;
- the functions with the most own time (``--top``);
- the same for ingest's per-file function (``pipeline.stored_part``: the part's tables, built as Arrow from rows);
- one-report ``govreport parse`` end to end in a fresh interpreter (CPU-s of the child, imports included), and a
  one-report ``govreport ingest`` into a new store (the fixed cost of one ingest).
``--files`` adds milliseconds per file.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_gen import docx_renders  # noqa: E402  (the benchmarks' shared corpus maker)

CORPORA = {
    "text": ["tests/data/real/*.txt", "tests/data/fixtures/text/*.txt", "data/raw/*.txt"],
    "html": ["tests/data/real/*.html", "tests/data/*.html"],
}
# (stage, module file, function name) as pipeline.parse calls them; shares are of the parse total
STAGES = [
    ("read", "readers/__init__.py", "read_document"),
    ("identify", "identify/__init__.py", "identify"),
    ("extract (table)", "extract/__init__.py", "extract"),
    ("extract_facts", "extract/facts.py", "extract_facts"),  # before issue 16's one pass
    ("prose_facts", "extract/facts.py", "prose_facts"),  # after: facts and what their checks need, plain rows
    ("check_report", "checks/__init__.py", "check_report"),
    ("check_facts", "checks/prose.py", "check_facts"),  # before
    ("check_prose", "checks/prose.py", "check_prose"),  # after
    ("timeliness", "checks/timeliness.py", "assess"),
    ("prose_sentences", "checks/repetition.py", "prose_sentences"),
    ("records", "records.py", "records"),
    ("records.with_prose", "records.py", "with_prose"),
    ("records.frames", "records.py", "frames"),  # the tables as pandas frames, once (parse only)
    ("sha256", "store.py", "sha256_file"),
    ("  paragraphs", "model.py", "paragraphs"),
    ("  nfkc", "text/normalize.py", "nfkc"),
    ("  fuzzy.rank", "extract/fuzzy.py", "rank"),  # before
    ("  fuzzy.best_two", "extract/fuzzy.py", "best_two"),  # after: the two best candidates only
    ("  fuzzy.choose", "extract/fuzzy.py", "choose"),  # later: the runner-up scored only when it can matter
]


def docx_corpus(cache: Path) -> list[Path]:
    """The HTML reports rendered to DOCX by LibreOffice (what a Word report's tables look like), made once into
    ``cache``; empty without soffice."""
    return docx_renders(corpus("html", distinct=True), cache)


def corpus(kind: str, distinct: bool = False) -> list[Path]:
    """The format's files; ``distinct``: without byte-identical copies (ingest reads one of them: a memo keyed
    on text then has no copy of a report to find its answers in)."""
    files = sorted({p for pattern in CORPORA[kind] for p in ROOT.glob(pattern)})
    if not distinct:
        return files
    seen: set[bytes] = set()
    return [p for p in files if not (p.read_bytes() in seen or seen.add(p.read_bytes()))]


# the per-process memo caches keyed on text (what a report reads), by module: a name a version lacks is skipped
MEMOS = {
    "govreport.text.normalize": ("_nfkc_memo", "_clean_short", "_parse_cell_memo", "_label_key_short"),
    "govreport.extract.fuzzy": ("similarity", "_counts", "_positions", "_choices"),
    "govreport.extract.row_guards": ("_markers", "_match_key", "_merged_rows_memo", "_own_label_memo"),
    "govreport.extract.label_reading": ("_attempts_memo", "_best_of_all_memo"),
}


def clear_memos() -> None:
    """Forget what the per-process memo caches hold (so a round does not reuse the previous round's work)."""
    for module_name, names in MEMOS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # a version without the module (an older tree measured for comparison)
        for fn in names:
            getattr(getattr(module, fn, None), "cache_clear", lambda: None)()


def one_pass(files: list[Path], per_file: dict | None = None, fn=None) -> float:
    from govreport.pipeline import parse
    fn = fn or parse
    total = 0.0
    for f in files:
        t = time.process_time()
        fn(f)
        dt = time.process_time() - t
        total += dt
        if per_file is not None:
            per_file[f.name] = min(per_file.get(f.name, dt), dt)
    return total


def _per_file(path: Path):
    """Ingest's per-file function (pipeline.stored_part: the part's tables, no document), the hash given."""
    from govreport.pipeline import stored_part
    return stored_part(path, "0" * 64)


def throughput(kind: str, files: list[Path], rounds: int, per_file: dict) -> None:
    """parse() (pandas frames), then ingest's per-file function (Arrow tables from rows, issue 16's figure)."""
    for label, fn, times in (("parse", None, per_file), ("ingest per-file", _per_file, None)):
        first = one_pass(files, times, fn)
        best = float("inf")
        for _ in range(rounds):
            clear_memos()
            best = min(best, one_pass(files, times, fn))
        print(f"{kind:5s} {len(files):3d} reports, {label:15s}: first pass {len(files) / first:6.1f} reports/CPU-s "
              f"({1000 * first / len(files):5.1f} ms each); best of {rounds} {len(files) / best:6.1f} reports/CPU-s "
              f"({1000 * best / len(files):5.1f} ms each)")


def _cum(stats: pstats.Stats, module: str, name: str) -> float:
    return sum(v[3] for (file, _line, fn), v in stats.stats.items()
               if fn == name and file.replace("\\", "/").endswith("govreport/" + module))


def stage_shares(files: list[Path], top: int) -> None:
    from govreport.pipeline import parse
    clear_memos()
    prof = cProfile.Profile()
    prof.enable()
    for f in files:
        parse(f)
    prof.disable()
    stats = pstats.Stats(prof)
    total = _cum(stats, "pipeline.py", "parse")
    print(f"  stage shares of parse (cProfile, {total:.2f} s profiled):")
    for stage, module, name in STAGES:
        print(f"    {stage:22s} {100 * _cum(stats, module, name) / total:5.1f} %")
    own = sorted(((v[2], f"{Path(file).name}:{fn}") for (file, _l, fn), v in stats.stats.items()), reverse=True)
    print(f"  top {top} by own time: " + ", ".join(f"{name} {100 * t / total:.1f}%" for t, name in own[:top]))


def _child_cpu(args: list[str], env: dict, runs: int = 3) -> tuple[float, float, int]:
    """Least CPU seconds (user + system) of ``runs`` runs of a child, its wall time then, and its exit code."""
    best = (float("inf"), 0.0, 0)
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        done = subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (cpu, wall, done.returncode))
    return best


def startup(path: Path) -> None:
    """CPU seconds of ``govreport parse FILE`` in a fresh interpreter (the child's user + system time, the least
    of 3 runs), beside the bare interpreter and the imports alone. One run first writes the bytecode an installed
    package has (PYTHONDONTWRITEBYTECODE set in this shell would otherwise compile every edited module at each
    start: ~0.1 s that no user pays)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    parse_cmd = [sys.executable, "-m", "govreport.cli", "parse", str(path)]
    subprocess.run(parse_cmd, cwd=ROOT, env=env, capture_output=True)
    cpu, wall, code = _child_cpu(parse_cmd, env)
    bare = _child_cpu([sys.executable, "-c", "pass"], env)[0]
    imports = _child_cpu([sys.executable, "-c", "import govreport.cli, govreport.pipeline"], env)[0]
    print(f"one-report `govreport parse {path.name}`: {cpu:.3f} CPU-s end to end ({wall:.2f} s wall, exit {code}; "
          f"least of 3); the bare interpreter {bare:.3f}, importing govreport.cli + pipeline {imports:.3f} CPU-s")
    with tempfile.TemporaryDirectory(prefix="bench_parse_") as out:  # a new store each run (no cached part)
        runs = []
        for k in range(3):
            runs.append(_child_cpu([sys.executable, "-m", "govreport.cli", "ingest", str(path), "--out",
                                    f"{out}/store{k}"], env, runs=1))
    cpu, wall, code = min(runs)
    print(f"one-report `govreport ingest {path.name} --out NEW`: {cpu:.3f} CPU-s end to end ({wall:.2f} s wall, "
          f"exit {code}; least of 3): the fixed cost of one ingest (imports, assembly, checks, writing)")


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--files", action="store_true", help="milliseconds per file")
    ap.add_argument("--no-startup", action="store_true", help="skip the one-report subprocess figure")
    ap.add_argument("--distinct", action="store_true", help="leave out byte-identical copies (2 text reports)")
    ap.add_argument("--docx-cache", type=Path, default=Path(tempfile.gettempdir()) / "govreport_bench_docx",
                    help="where LibreOffice's DOCX renderings of the HTML reports are kept between runs")
    args = ap.parse_args(argv)
    from govreport.pipeline import parse
    sets = {kind: corpus(kind, args.distinct) for kind in CORPORA}
    sets["docx"] = docx_corpus(args.docx_cache)
    if not sets["docx"]:
        print("docx: no renderings (LibreOffice's soffice not found): left out")
        del sets["docx"]
    parse(sets["html"][0])  # one warm-up report: catalogs loaded, regexes compiled
    per_file: dict[str, float] = {}
    for kind, files in sets.items():
        throughput(kind, files, args.rounds, per_file)
        stage_shares(files, args.top)
    if args.files:
        for name, dt in sorted(per_file.items(), key=lambda kv: -kv[1]):
            print(f"  {name:45s} {1000 * dt:7.1f} ms")
    if not args.no_startup:
        startup(ROOT / "data" / "raw" / "hongze_district_gov_2024.txt")


if __name__ == "__main__":
    main(sys.argv[1:])
