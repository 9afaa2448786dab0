"""What supervision costs: the per-file work of ingest in process, on the local engine, and on ``--jobs 2``.

The local engine runs each file in a supervised worker process (ingestion/supervise.py) so that a native
crash, a hang or a memory hog costs that file only; this prints what that costs per report, beside the
same work called in this process (what the local engine did before), and the ``processes`` engine's
speed-up with two workers. CPU seconds are this process's plus its reaped children's (getrusage), so a
worker's work is counted; the part files are written each time (a fresh cache per run).

Usage: python benchmarks/bench_workers.py [--n 200] [--repeat 3] [--ingest]
       (``--ingest`` also times a whole ``govreport.ingest`` per engine, with the CPU-s of this process and of
       its workers apart, and the least ``--jobs 2`` speed-up an idle two-core machine should give: the local
       ingest's CPU-s over this process's plus half the workers' (all of this process's work taken as
       serial); run with PYTHONPATH pointing at another checkout's src/ to measure that code: its engines are
       called the same way)
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus_gen  # noqa: E402


def _cpu() -> float:
    return sum(_split())


def _split() -> tuple[float, float]:
    """CPU-s of this process and of its reaped children (the workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def make_text_corpus(n: int, dest: Path) -> list[Path]:
    sources = corpus_gen.describe_sources([f for f in corpus_gen.source_files() if f.suffix == ".txt"])
    corpus_gen.make_corpus(n, dest, sources)
    return sorted(dest.iterdir())


def tasks_for(files: list[Path], cache: Path) -> list:
    from govreport.ingestion import corpus

    cache.mkdir(parents=True, exist_ok=True)
    return corpus.tasks([(str(f), corpus.sha256_file(f)) for f in files], cache)[0]


def timed(label: str, run, n: int) -> tuple[float, float]:
    wall0, cpu0 = time.perf_counter(), _cpu()
    run()
    wall, cpu = time.perf_counter() - wall0, _cpu() - cpu0
    print(f"{label:34} {wall:8.2f} {cpu:8.2f} {1000 * cpu / n:9.1f} {n / cpu:9.1f} {n / wall:9.1f}", flush=True)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3, help="runs per case; the fastest is kept")
    ap.add_argument("--ingest", action="store_true", help="also time govreport.ingest end to end")
    args = ap.parse_args()
    import govreport
    from govreport import pipeline
    from govreport.ingestion import corpus, engines

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files = make_text_corpus(args.n, work / "raw")
        fn = corpus.PerFile(pipeline.stored_part)
        for t in tasks_for(files[:5], work / "warm"):  # imports and catalogs, once, in this process
            fn(t)
        cases = {
            "in process (unsupervised)": lambda tasks: [fn(t) for t in tasks],
            "local engine": lambda tasks: list(engines.run(fn, tasks, "local")),
            "processes engine, --jobs 2": lambda tasks: list(engines.run(fn, tasks, "processes", jobs=2)),
        }
        print(f"{args.n} generated text reports, per-file work (read .. records, part written); best of {args.repeat}")
        print(f"{'case':34} {'wall s':>8} {'CPU s':>8} {'ms CPU/rep':>9} {'rep/CPU-s':>9} {'rep/wall-s':>9}")
        best = {}
        for label, run in cases.items():
            runs = []
            for r in range(args.repeat):
                cache = work / f"parts-{len(best)}-{r}"
                tasks = tasks_for(files, cache)
                runs.append(timed(label, lambda: run(tasks), args.n))
                shutil.rmtree(cache)
            best[label] = min(runs)
        base, local, pool = (best[k] for k in cases)
        print(f"supervised local vs in process: {1000 * (local[1] - base[1]) / args.n:+.2f} ms CPU per report "
              f"({local[1] / base[1]:.2f}x CPU, {local[0] / base[0]:.2f}x wall)")
        print(f"--jobs 2 speed-up over the local engine (wall): {local[0] / pool[0]:.2f}x")
        if args.ingest:
            split = {}
            for label, options in (("ingest, local", dict(engine="local")),
                                   ("ingest, processes --jobs 2", dict(engine="processes", jobs=2))):
                out = work / f"out-{label[-1]}"
                before = _split()
                timed(label, lambda: govreport.ingest([work / "raw"], out, **options), args.n)
                split[label] = [b - a for a, b in zip(before, _split())]
                shutil.rmtree(out)
            (main, workers), whole = split["ingest, processes --jobs 2"], sum(split["ingest, local"])
            print(f"--jobs 2 ingest: this process {main:.2f} CPU-s, its workers {workers:.2f} CPU-s; predicted idle "
                  f"speed-up at least {whole / (main + workers / 2):.2f}x (every CPU-s of this process serial)")


if __name__ == "__main__":
    main()
