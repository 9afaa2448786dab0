"""Tesseract against RapidOCR (rapidocr-onnxruntime, models inside the wheel) through the same OCR pipeline.

Issue 18 asks for the OCR engine to be chosen by measurement on the scanned set. Each engine reads the same
scanned PDFs (scripts/make_scans.py's build/scans/<source>_<dpi>dpi) through the same readers/ocr/ pipeline
(deskew, seal removal, ruling lines, cells, digit votes, placement, extraction) and is scored as
scripts/audit_formats.py scores a folder (hand-checked JSON of tests/data/real/expected). RapidOCR is plugged in
by replacing ``govreport.readers.ocr.engine``'s ``read_batch`` / ``read_image`` / ``version`` in the measuring
process only; nothing in src/ changes and the project does not depend on it.

Every engine runs in its own child process (clean CPU and peak-memory figures), one after the other, with the
OCR page cache off (readers/ocr/cache.py) and the per-file budget raised (a slow engine is measured, not
refused). Printed per engine: hand-checked cells right / total, wrong numbers stored without an OCR flag,
template / year / agency right, CPU seconds per page (this process + children: tesseract is a subprocess),
peak RSS, and the engine's installed size. With ``--offline`` the RapidOCR child runs in a network namespace
without interfaces (``unshare -n``, root) and with socket connects refused and counted, which shows it
fetches nothing.

RapidOCR is not a project dependency: install it beside the project's venv, never into it, e.g.

    .venv/bin/python -m pip install --target /tmp/rapid/site --no-deps rapidocr-onnxruntime==1.4.4 \\
        onnxruntime pyclipper shapely coloredlogs humanfriendly flatbuffers protobuf sympy mpmath
    nice -n 5 .venv/bin/python benchmarks/bench_ocr_engines.py --rapid-site /tmp/rapid/site --offline \\
        [--folders office_200dpi browser_200dpi] [--cases putian_ptsjj_2024 ...] [--cell-read det|rec] \\
        [--engines tesseract rapidocr] [--records FILE.jsonl] [--report-only]

(--no-deps: the wheel asks for opencv-python, which would overwrite the project's opencv-python-headless cv2.)
Each file's figures are appended to --records as soon as it is read; a second run skips files already there,
so a long measurement on a busy machine can be stopped and resumed; --report-only prints the table.

Cell reads with RapidOCR (``--cell-read``): ``det`` (default) runs its text detector on a multi-line cell
read (tesseract psm 6: labels wrap) and its recognizer on each line found, the recognizer alone when the
detector finds nothing; ``rec`` runs the recognizer alone on every cell crop. One-line reads (psm 7: the
digit votes, the italic title re-read) always use the recognizer alone; a character whitelist is applied to
its text afterwards (RapidOCR has none). Page text outside tables (psm 3): detector + recognizer. One ONNX
thread per session, like tesseract's OMP_THREAD_LIMIT=1; the 180° angle classifier is off (scans are upright).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
FOLDERS = ("office_200dpi", "browser_200dpi")
BUDGET_S = 3600.0
TESS_PACKAGES = ("tesseract-ocr", "libtesseract5", "liblept5", "tesseract-ocr-chi-sim", "tesseract-ocr-eng",
                 "tesseract-ocr-osd")


class RapidEngine:
    """RapidOCR behind engine.py's read_batch / read_image signature: output mapped to engine.Word."""

    def __init__(self, cell_read: str):
        from rapidocr_onnxruntime import RapidOCR

        self.cell_read = cell_read
        # text_score 0: every read comes back with its score; the pipeline's own trust line judges it.
        # det_limit_type max: a small cell crop is not blown up to a 736-px side before detection.
        self.ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, text_score=0.0, use_cls=False,
                            det_limit_type="max")

    def read_batch(self, images, psm, lang="", whitelist=None):
        return [self._read(img, psm, whitelist) for img in images]

    def read_image(self, image, psm=3, lang=""):
        return self._read(image, psm, None)

    def _read(self, img, psm, whitelist):
        if psm == 7 or (psm == 6 and self.cell_read == "rec"):
            return self._recognize(img, whitelist)
        words = self._detect(img, whitelist)
        return words if words or psm == 3 else self._recognize(img, whitelist)

    def _recognize(self, img, whitelist):
        from govreport.readers.ocr.engine import Word

        res, _ = self.ocr(img, use_det=False, use_cls=False)
        h, w = img.shape[:2]
        out = []
        for text, score in res or []:
            text = _keep(text, whitelist)
            if text:
                out.append(Word(text, float(score), (0, 0, w, h), (1, 1, 1)))
        return out

    def _detect(self, img, whitelist):
        from govreport.readers.ocr.engine import Word

        res, _ = self.ocr(img, use_cls=False)
        out = []
        for k, (quad, text, score) in enumerate(res or []):
            text = _keep(text, whitelist)
            if not text:
                continue
            xs, ys = [p[0] for p in quad], [p[1] for p in quad]
            box = (int(min(xs)), int(min(ys)), int(round(max(xs))), int(round(max(ys))))
            out.append(Word(text, float(score), box, (1, 1, k + 1)))
        return out


def _keep(text: str, whitelist) -> str:
    """The read as tesseract's whitelist would have it: full-width forms folded, other characters dropped."""
    text = text.strip()
    if whitelist is None:
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch in whitelist)


def _guard_network() -> list:
    """Refuse and record every socket connect or name lookup in this process."""
    import socket

    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args)[:120])
        raise OSError("network use refused by bench_ocr_engines --offline")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.getaddrinfo = refuse
    socket.create_connection = refuse
    return attempts


def _plug_rapid(cell_read: str) -> str:
    from govreport.readers.ocr import engine

    rapid = RapidEngine(cell_read)
    import importlib.metadata as md

    name = f"rapidocr-onnxruntime {md.version('rapidocr-onnxruntime')} (onnxruntime {md.version('onnxruntime')})"
    engine.read_batch = rapid.read_batch
    engine.read_image = rapid.read_image
    engine.version = lambda: name
    return name


class ChildPeak:
    """The largest VmHWM (peak resident memory) seen among this process's child processes (tesseract), sampled
    every 0.1 s: getrusage's children figure counts a forked child's copy of the parent, so it says nothing."""

    def __init__(self):
        import threading

        self.peak_kb, self._stop = 0, threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self):
        while not self._stop.wait(0.1):
            for kids in Path("/proc/self/task").glob("*/children"):
                for pid in kids.read_text().split():
                    try:
                        status = Path(f"/proc/{pid}/status").read_text()
                    except OSError:
                        continue  # already gone
                    hwm = [ln.split()[1] for ln in status.splitlines() if ln.startswith("VmHWM:")]
                    if hwm and "Name:\ttesseract" in status:
                        self.peak_kb = max(self.peak_kb, int(hwm[0]))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def measure(engine_name: str, files: list[Path], cell_read: str, offline: bool, records: Path) -> None:
    """One engine over the files, in this process: per file the audit figures, CPU and memory, appended to
    ``records`` (JSON lines) as soon as the file is done, so a run stopped half-way keeps what it measured."""
    import audit_formats

    from govreport.readers.ocr import cache, engine

    attempts = _guard_network() if offline else None
    os.environ.pop(cache.ENV, None)
    cache.use_folder(None)  # every page read afresh
    audit_formats._raise_budget(BUDGET_S)
    name = _plug_rapid(cell_read) if engine_name == "rapidocr" else engine.version()
    expected = audit_formats.expected_by_stem()
    peak = ChildPeak()
    for path in files:
        cpu0 = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        s = audit_formats.score([path], expected, scanned=True)
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = time.process_time() - cpu0[0] + (child.ru_utime - cpu0[1].ru_utime) + (child.ru_stime - cpu0[1].ru_stime)
        rec = dict(engine=engine_name, version=name, cell_read=cell_read if engine_name == "rapidocr" else None,
                   folder=path.parent.name, file=path.name, files=s.files, parsed=s.parsed, cells=s.cells,
                   right=s.right, wrong=s.wrong, missing=s.missing, unflagged=s.unflagged, template=s.template,
                   year=s.year, agency=s.agency, pages=s.pages, wall_s=s.seconds, cpu_s=cpu,
                   peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                   peak_child_rss_mb=peak.peak_kb / 1024,
                   network_attempts=None if attempts is None else list(attempts), wrong_cells=s.wrong_cells,
                   install=install_size(engine_name))
        with records.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(f"[{_label(rec)}] {rec['folder']}/{path.name}: {s.right}/{s.cells} right, {s.wrong} wrong "
              f"({s.unflagged} unflagged), {s.missing} missing, {cpu:.0f} CPU-s for {s.pages} pages",
              file=sys.stderr, flush=True)
    peak.stop()


def install_size(engine_name: str) -> str:
    """What the engine adds to a machine: Debian's installed sizes, or the wheels' files on disk."""
    if engine_name == "tesseract":
        fmt = "${Package} ${Installed-Size}\n"
        done = subprocess.run(["dpkg-query", "-W", f"-f={fmt}", *TESS_PACKAGES], capture_output=True, text=True)
        sizes = dict(line.split() for line in done.stdout.splitlines() if line.strip())
        total = sum(int(v) for v in sizes.values()) / 1024
        model = sum(f.stat().st_size for f in Path("/usr/share").glob("tesseract-ocr/*/tessdata/*.traineddata"))
        return f"apt {total:.0f} MB installed ({len(sizes)} packages), models {model / 2**20:.0f} MB"
    import importlib.util

    def tree(pkg: str) -> float:
        spec = importlib.util.find_spec(pkg)
        top = Path(spec.origin).parent
        return sum(f.stat().st_size for f in top.rglob("*") if f.is_file()) / 2**20

    models = Path(importlib.util.find_spec("rapidocr_onnxruntime").origin).parent / "models"
    onnx = sum(f.stat().st_size for f in models.glob("*.onnx")) / 2**20
    return (f"wheels: rapidocr_onnxruntime {tree('rapidocr_onnxruntime'):.0f} MB (of it {onnx:.0f} MB .onnx in "
            f"{models.name}/), onnxruntime {tree('onnxruntime'):.0f} MB, sympy {tree('sympy'):.0f} MB (onnxruntime's dep)")


def _label(rec: dict) -> str:
    return rec["engine"] + (f" ({rec['cell_read']} cells)" if rec.get("cell_read") else "")


def _child(args, engine_name: str, files: list[Path]) -> None:
    cmd = [sys.executable, __file__, "--one", engine_name, "--cell-read", args.cell_read, "--records", args.records,
           "--files", *map(str, files)]
    env = dict(os.environ)
    if engine_name == "rapidocr":
        env["PYTHONPATH"] = os.pathsep.join(p for p in (args.rapid_site, env.get("PYTHONPATH")) if p)
        if args.offline:
            cmd = ["unshare", "-n", *cmd, "--offline"]
    done = subprocess.run(cmd, env=env)
    if done.returncode != 0:
        print(f"{engine_name}: child failed ({done.returncode}); the files it finished are kept", file=sys.stderr)


def load_records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    latest = {}  # a file measured twice by one engine (two runs side by side): the later record
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            latest[(_label(rec), rec["folder"], rec["file"])] = rec
    return list(latest.values())


SUMMED = ("files", "cells", "right", "wrong", "unflagged", "missing", "template", "year", "agency", "pages",
          "cpu_s", "wall_s")


def table(records: list[dict]) -> str:
    """Per other engine setting, it and tesseract side by side over the files both have read: one row per
    folder, then all."""
    lines = ["| engine | folder | cells right | wrong (unflagged) | missing | template / year / agency "
             "| pages | CPU-s per page | wall-s per page |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    labels = sorted({_label(r) for r in records})
    base = [lb for lb in labels if lb == "tesseract"]
    for other in [lb for lb in labels if lb != "tesseract"] or base:
        pair = base + ([other] if other not in base else [])
        common = set.intersection(*({(r["folder"], r["file"]) for r in records if _label(r) == lb} for lb in pair))
        for label in pair:
            lines += _rows(label, [r for r in records if _label(r) == label and (r["folder"], r["file"]) in common])
    return "\n".join(lines)


def _rows(label: str, mine: list[dict]) -> list[str]:
    groups: dict = {}
    for r in mine:
        for key in (r["folder"], "all"):
            g = groups.setdefault(key, dict.fromkeys(SUMMED, 0))
            for k in SUMMED:
                g[k] += r[k]
    out = []
    for folder in sorted(groups, key=lambda f: (f == "all", f)):
        s = groups[folder]
        pct = f"{s['right']}/{s['cells']} = {s['right'] / s['cells']:.1%}" if s["cells"] else "-"
        out.append(f"| {label} | {folder} | {pct} | {s['wrong']} ({s['unflagged']}) | {s['missing']} | "
                   f"{s['template']} / {s['year']} / {s['agency']} of {s['files']} | {s['pages']} | "
                   f"{s['cpu_s'] / max(1, s['pages']):.1f} | {s['wall_s'] / max(1, s['pages']):.1f} |")
    return out


def report(records: list[dict]) -> None:
    print(table(records))
    for label in sorted({_label(r) for r in records}):
        mine = [r for r in records if _label(r) == label]
        nets = [r["network_attempts"] for r in mine if r["network_attempts"] is not None]
        print(f"\n{label}, {mine[-1]['version']}: peak RSS {max(r['peak_rss_mb'] for r in mine):.0f} MB (largest "
              f"tesseract process {max(r['peak_child_rss_mb'] for r in mine):.0f} MB, sampled); {mine[-1]['install']}")
        if nets:
            print(f"  offline (unshare -n, connects refused) on {len(nets)} files: {sum(map(len, nets))} network attempts")
        for r in mine:
            for w in r["wrong_cells"]:
                print(f"  - [{r['folder']}] {w['cell']}: {w['want']} -> {w['got']} ({w['provenance']}, "
                      f"flagged={w['flagged']})")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", nargs="+", default=["tesseract", "rapidocr"], choices=["tesseract", "rapidocr"])
    ap.add_argument("--folders", nargs="+", default=list(FOLDERS), help="folders of --scans to read")
    ap.add_argument("--cases", nargs="+", default=None, help="only these case stems (default: every scanned file)")
    ap.add_argument("--scans", default=str(ROOT / "build" / "scans"))
    ap.add_argument("--rapid-site", default=None, help="a --target folder holding rapidocr-onnxruntime")
    ap.add_argument("--cell-read", choices=["det", "rec"], default="det")
    ap.add_argument("--offline", action="store_true", help="RapidOCR child: no network namespace, connects refused")
    ap.add_argument("--records", default="/tmp/bench_ocr_engines.jsonl",
                    help="JSON lines, one per engine and file; files already there are not read again")
    ap.add_argument("--report-only", action="store_true", help="print the table of --records, read nothing")
    ap.add_argument("--one", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--files", nargs="*", default=[], help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    records = Path(args.records)
    if args.one:  # the child: one engine
        measure(args.one, [Path(f) for f in args.files], args.cell_read, args.offline, records)
        return 0
    files = [f for folder in args.folders for f in sorted((Path(args.scans) / folder).glob("*.pdf"))
             if args.cases is None or f.stem in args.cases]
    for name in [] if args.report_only else args.engines:
        probe = dict(engine=name, cell_read=args.cell_read if name == "rapidocr" else None)
        done = {(r["folder"], r["file"]) for r in load_records(records) if _label(r) == _label(probe)}
        todo = [f for f in files if (f.parent.name, f.name) not in done]
        if todo:
            _child(args, name, todo)
    report(load_records(records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
