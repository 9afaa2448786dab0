"""Corpus-scale benchmark: makes corpora of N reports from the real reports and prints one table.

The corpus is built from every real report in the repository (text, HTML, PDF, data/raw, and DOCX
rendered from the HTML ones by LibreOffice when `soffice` exists). Text and HTML copies get every
table/prose count multiplied by one factor k (so every identity still holds: sum(k*a) = k*sum(a)) and
the agency's own region replaced by a generated one (so agency ids differ); a share of them is broken
on purpose (one table number +1). PDF and DOCX copies are byte copies made distinct where the format
allows it (a comment after %%EOF; a ZIP archive comment). The script detects which ingest options exist
(`govreport ingest --help`) and prints n/a for the rest, so it can be re-run unchanged as they arrive.

Run: .venv/bin/python benchmarks/bench_corpus.py [--n 1000] [--quick] [--workdir DIR]
(N and 10 N = 1,000 and 10,000 by default; --quick skips the 10 N step; corpora go to a temp dir).
"""
from __future__ import annotations

import argparse
import bisect
import csv
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GOVREPORT = str(BIN / "govreport")
SCALED_FORMATS = {".txt", ".html", ".htm", ".md"}
BROKEN_SHARE = 0.05

# A number that is a count or amount: not part of a date, phone, URL, list marker, article or percentage.
_NUMBER = re.compile(r"(?<![\d.\-/:@_A-Za-z%#&=])(\d+(?:\.\d+)?)(?![\d\-/:@_A-Za-z])")
_NOT_AFTER = re.compile(r"[ \t\u3000]*(?:[年月日号时%％〕\]]|个百分点|[.．、)）](?!\d))|\r?\n\d+[年月日号%％]")
_NOT_BEFORE = re.compile(r"(?:第|国令|[（(〔\[])\s*$")
_HTML_SPLIT = re.compile(r"(<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->|<[^>]*>|&#?\w+;)", re.S | re.I)
_REGION = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|省|市|区|县|旗|盟)")
# Generated region names: characters no region, label or title form uses in this order.
_NAME_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳申酉戌亥"


# ---------------------------------------------------------------- sources


def source_files(root: Path = ROOT) -> list[Path]:
    """The real reports in the repository, text first, without byte-identical duplicates."""
    patterns = [("data/raw", "*"), ("tests/data/fixtures/text", "*.txt"), ("tests/data/real", "*.txt"),
                ("tests/data/real", "*.html"), ("tests/data/fixtures/pdf", "*.pdf")]
    seen, out = set(), []
    for folder, pattern in patterns:
        for f in sorted((root / folder).glob(pattern)):
            digest = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else None
            if digest and digest not in seen and not f.name.startswith("."):
                seen.add(digest)
                out.append(f)
    return sorted(out, key=lambda f: (f.suffix.lower() not in SCALED_FORMATS, str(f)))


def docx_renders(html_files: list[Path], cache: Path) -> list[Path]:
    """DOCX made from the HTML reports by LibreOffice, cached in the corpus folder (none without soffice)."""
    soffice = shutil.which("soffice")
    if not soffice:
        return []
    cache.mkdir(parents=True, exist_ok=True)
    todo = [f for f in html_files if not (cache / (f.stem + ".docx")).is_file()]
    if todo:
        subprocess.run([soffice, "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(cache),
                        *map(str, todo)], capture_output=True, timeout=600,
                       env={**os.environ, "HOME": str(cache)})
    return [cache / (f.stem + ".docx") for f in html_files if (cache / (f.stem + ".docx")).is_file()]


# ---------------------------------------------------------------- perturbation


def _decode(data: bytes) -> tuple[str, str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"


def _scale(token: str, k: int) -> str:
    """k times a printed number, with its decimals kept (1.5 x 3 = 4.5)."""
    return str(Decimal(token) * k)


def scale_numbers(text: str, k: int, numbers: Optional[list] = None) -> str:
    """Every count in a stretch of plain text multiplied by k; (position, value) of each scaled number appended to numbers."""
    parts, last = [], 0
    for m in _NUMBER.finditer(text):
        if (_NOT_AFTER.match(text, m.end()) or _NOT_BEFORE.search(text[max(0, m.start() - 4):m.start()])
                or (len(m.group(1)) > 1 and m.group(1).startswith("0") and "." not in m.group(1))):
            continue  # a date, article, list marker, percentage, phone prefix or a number broken over lines
        new = _scale(m.group(1), k)
        parts.append(text[last:m.start()])
        if numbers is not None:
            numbers.append((sum(map(len, parts)), new))
        parts.append(new)
        last = m.end()
    parts.append(text[last:])
    return "".join(parts)


def _bump(text: str, candidates: list[tuple[int, str]], target: float) -> tuple[str, str]:
    """One table number printed one higher (target, the report's largest printed value, else the largest)."""
    hits = [c for c in candidates if math.isclose(float(c[1]), target)]
    if not hits and not candidates:
        return text, ""
    pos, tok = hits[0] if hits else max(candidates, key=lambda c: Decimal(c[1]))
    new = str(Decimal(tok) + 1)
    return text[:pos] + new + text[pos + len(tok):], f"{tok}->{new}"


def perturb_text(text: str, k: int, broken: bool, target: float = math.nan) -> tuple[str, str]:
    """A plain-text report with every count times k; broken: its largest table number (a line of 2+ numbers) +1."""
    nums: list = []
    text = scale_numbers(text, k, nums)
    breaks = [m.start() for m in re.finditer("\n", text)]
    by_line: dict[int, list] = {}
    for pos, value in nums:
        by_line.setdefault(bisect.bisect(breaks, pos), []).append((pos, value))
    table_numbers = [n for line in by_line.values() if len(line) >= 2 for n in line]
    return _bump(text, table_numbers, k * target) if broken else (text, "")


def perturb_html(text: str, k: int, broken: bool, target: float = math.nan) -> tuple[str, str]:
    """An HTML report with the counts of its text nodes times k (tags, scripts and entities untouched)."""
    out, cells, offset = [], [], 0
    for i, piece in enumerate(_HTML_SPLIT.split(text)):
        if i % 2 == 0 and piece:
            nums: list = []
            piece = scale_numbers(piece, k, nums)
            if len(nums) == 1 and piece.strip() == nums[0][1]:
                cells.append((offset + nums[0][0], nums[0][1]))
        out.append(piece)
        offset += len(piece)
    text = "".join(out)
    return _bump(text, cells, k * target) if broken else (text, "")


def agency_region(agency: str) -> str:
    """The most specific region the agency's name starts with (洪泽区 of 洪泽区人民政府), or ''."""
    pos, region = 0, ""
    while (m := _REGION.match(agency, pos)):
        region, pos = m.group(0), m.end()
    return region


def generated_region(index: int, old: str) -> str:
    """A region name no gazetteer holds, unique per index, with the old name's level (市, 区 ...)."""
    chars, base = [], len(_NAME_CHARS)
    for _ in range(4):
        index, digit = divmod(index, base)
        chars.append(_NAME_CHARS[digit])
    level = next(s for s in ("自治州", "自治县", "省", "市", "区", "县", "旗", "盟") if old.endswith(s))
    return "".join(chars) + level


# ---------------------------------------------------------------- corpus


@dataclass
class Source:
    path: Path
    agency: str
    family: int
    scalable: bool = False  # a k-times copy parses to k times the printed values (checked once per source)
    top: float = math.nan  # the largest printed value (usually a total): the number a broken copy changes


def scale_mismatches(original, copy, k: int) -> list[tuple]:
    """(metric, applicant, original, copy) wherever a printed value of copy is not exactly k times original."""
    def printed(rep):
        v = rep.values[rep.values["provenance"] != "derived"]
        return dict(zip(zip(v["metric"], v["applicant"]), v["value"]))
    a, b = printed(original), printed(copy)
    out = []
    for key in a.keys() | b.keys():
        x, y = a.get(key, math.nan), b.get(key, math.nan)
        if not ((math.isnan(x) and math.isnan(y)) or math.isclose(x * k, y, rel_tol=1e-9, abs_tol=1e-9)):
            out.append((*key, x, y))
    return sorted(out, key=str)


def _scales_cleanly(govreport, src: Path, original, region: str) -> bool:
    """Whether a 3-times copy of src parses to 3 times its values (row codes or odd layouts may not)."""
    text, enc = _decode(src.read_bytes())
    text = text.replace(region, generated_region(0, region))
    text, _ = (perturb_html if src.suffix.lower() in {".html", ".htm"} else perturb_text)(text, 3, False)
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / src.name
        probe.write_bytes(text.encode(enc))
        try:
            return not scale_mismatches(original, govreport.parse(probe), 3)
        except Exception:
            return False


def describe_sources(files: list[Path]) -> list[Source]:
    """Each source with its agency (parsed once), one family number per agency, and whether k-scaling holds."""
    import govreport
    families: dict[str, int] = {}
    out = []
    for f in files:
        agency, scalable, top, key = "", False, math.nan, ""
        if f.suffix.lower() in SCALED_FORMATS:
            try:
                original = govreport.parse(f)
            except Exception:  # a report the parser refuses is still copied as is
                original = None
            if original is not None:
                agency, key = original.meta["agency"], original.meta["agency_id"]
                top = float(original.values.loc[original.values["provenance"] != "derived", "value"].max())
                scalable = bool(agency_region(agency)) and _scales_cleanly(govreport, f, original, agency_region(agency))
        out.append(Source(f, agency, families.setdefault(key, len(families)), scalable, top))
    return out


def make_copy(src: Source, i: int, copy: int, n_families: int, dest: Path, rng: random.Random) -> dict:
    """Copy number `copy` of one source into dest: perturbed (text/HTML) or made distinct (PDF/DOCX)."""
    suffix = src.path.suffix.lower()
    target = dest / f"{i:06d}_{src.path.stem}{suffix}"
    row = dict(file=target.name, source=str(src.path.relative_to(ROOT)) if ROOT in src.path.parents else str(src.path),
               format=suffix.lstrip("."), k=1, agency=src.agency, new_agency=src.agency, broken="")
    region = agency_region(src.agency)
    if suffix in SCALED_FORMATS and region:
        k = rng.randint(2, 9) if src.scalable else 1
        broken = src.scalable and rng.random() < BROKEN_SHARE
        text, enc = _decode(src.path.read_bytes())
        new_region = generated_region(copy * n_families + src.family, region)
        text = text.replace(region, new_region)
        text, change = (perturb_html if suffix in {".html", ".htm"} else perturb_text)(text, k, broken, src.top)
        target.write_bytes(text.encode(enc))
        row.update(k=k, new_agency=src.agency.replace(region, new_region), broken=change)
    elif suffix == ".docx":
        shutil.copyfile(src.path, target)
        with zipfile.ZipFile(target, "a") as z:
            z.comment = f"govreport benchmark copy {i}".encode()
    else:
        data = src.path.read_bytes()
        marker = f"\n% govreport benchmark copy {i}\n".encode() if suffix == ".pdf" else b""
        target.write_bytes(data + marker if marker else data)
        if not marker:
            row["broken"] = "identical copy (no safe edit for this format)"
    return row


def make_corpus(n: int, dest: Path, sources: list[Source], seed: int = 0) -> list[dict]:
    """n reports in dest, cycling over the sources; copy j of every source of one agency shares a generated name."""
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_families = max((s.family for s in sources), default=0) + 1
    rows = [make_copy(sources[i % len(sources)], i, i // len(sources), n_families, dest, rng) for i in range(n)]
    with open(dest.parent / f"{dest.name}.manifest.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


# ---------------------------------------------------------------- measurements


def in_process_rates(files: list[Path]) -> dict[str, tuple[int, float]]:
    """Per format: (reports, CPU seconds) of govreport.parse in this process, after one warm-up per format."""
    import govreport
    by_format: dict[str, list[Path]] = {}
    for f in files:
        by_format.setdefault(f.suffix.lower().lstrip("."), []).append(f)
    out = {}
    for fmt, group in sorted(by_format.items()):
        _try_parse(govreport, group[0])
        t = time.process_time()
        ok = sum(_try_parse(govreport, f) for f in group)
        out[fmt] = (ok, time.process_time() - t)
    return out


def _try_parse(govreport, f: Path) -> int:
    try:
        govreport.parse(f)
        return 1
    except Exception:
        return 0


def pdfium_ratio(pdfs: list[Path]) -> Optional[tuple[float, float]]:
    """(govreport.parse CPU-s, PDFium text-extraction CPU-s) over the same PDF files."""
    if not pdfs:
        return None
    import govreport
    import pypdfium2 as pdfium
    t = time.process_time()
    for f in pdfs:
        _try_parse(govreport, f)
    parse_s = time.process_time() - t
    t = time.process_time()
    for f in pdfs:
        doc = pdfium.PdfDocument(str(f))
        for page in doc:
            page.get_textpage().get_text_range()
        doc.close()
    return parse_s, time.process_time() - t


_WRAPPER = ("import json,resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps(dict(rc=r.returncode,wall=time.perf_counter()-t,cpu=u.ru_utime+u.ru_stime,"
            "rss_mb=u.ru_maxrss/1024,err=r.stderr.decode(errors='replace')[-400:])))")


def run_measured(args: list[str], env: Optional[dict] = None, cwd: Optional[Path] = None) -> dict:
    """Run a command in a fresh wrapper process: wall s, CPU s and peak RSS (MB, largest process) of its tree."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}, cwd=cwd)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ingest_help() -> str:
    return subprocess.run([GOVREPORT, "ingest", "--help"], capture_output=True, text=True).stdout


def ingest(corpus: Path, out: Path, extra: list[str], work: Path, cold: bool = True) -> dict:
    """One `govreport ingest` run (a fresh cache dir when cold, in case the cache lives outside --out)."""
    env = {"XDG_CACHE_HOME": str(work / ("cache-" + out.name if cold else "cache-shared"))}
    res = run_measured([GOVREPORT, "ingest", str(corpus), "--out", str(out), "--quiet", *extra], env=env, cwd=work)
    res["rate"] = len(list(corpus.iterdir())) / res["cpu"] if res["cpu"] else float("nan")
    return res


def same_tables(a: Path, b: Path) -> str:
    """Whether two ingest outputs hold the same values and findings (rows sorted)."""
    import govreport
    da, db = govreport.load(a), govreport.load(b)
    diffs = []
    for name in ("reports", "values", "findings"):
        ta, tb = getattr(da, name), getattr(db, name)
        cols = sorted(c for c in ta.columns if c not in {"source_file"})
        if list(sorted(tb.columns)) != sorted(ta.columns):
            diffs.append(f"{name} columns")
            continue
        sa = ta[cols].astype(str).sort_values(cols).reset_index(drop=True)
        sb = tb[cols].astype(str).sort_values(cols).reset_index(drop=True)
        if not sa.equals(sb):
            diffs.append(name)
    return "identical" if not diffs else "DIFFER: " + ", ".join(diffs)


def build_per_page(sources: list[Source], n: int, work: Path) -> tuple[dict, int]:
    """`govreport build` on a small project of n generated reports: the measured run and the pages written."""
    project = work / "build_project"
    shutil.rmtree(project, ignore_errors=True)
    make_corpus(n, project / "data" / "raw", sources, seed=7)
    (project / "data" / "raw.manifest.csv").unlink(missing_ok=True)
    res = run_measured([GOVREPORT, "--root", str(project), "build"], env={"GOVREPORT_ROOT": str(project)}, cwd=project)
    pages = len(list((project / "reports").glob("*.html")))
    return res, pages


# ---------------------------------------------------------------- table


def fmt_rate(n: int, s: float) -> str:
    return f"{n / s:,.1f} reports/CPU-s ({n} in {s:.1f} CPU-s)" if s > 0 and n else "n/a (none parsed)"


def _mem(res: Optional[dict], n: int) -> str:
    if not res:
        return "n/a (--quick)"
    return f"{res['rss_mb']:,.0f} MB ({n:,} reports, {res['wall']:.1f} s wall, {res['cpu']:.1f} CPU-s, exit {res['rc']})"


def measure(args: argparse.Namespace, work: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    files = source_files()
    files += docx_renders([f for f in files if f.suffix.lower() == ".html"], work / "docx_cache")
    sources = describe_sources(files)
    corpus = work / f"corpus_{args.n}"
    shutil.rmtree(corpus, ignore_errors=True)
    t = time.perf_counter()
    made = make_corpus(args.n, corpus, sources, seed=args.seed)
    formats = sorted({r["format"] for r in made})
    rows.append(("corpus", f"{len(made)} reports from {len(sources)} sources ({', '.join(formats)}); "
                 f"{sum(bool(r['broken']) and '->' in r['broken'] for r in made)} broken on purpose; "
                 f"made in {time.perf_counter() - t:.1f} s"))
    sample = _sample(corpus, args.sample)
    for fmt, (n_ok, cpu) in in_process_rates(sample).items():
        rows.append((f"parse {fmt} (in process)", fmt_rate(n_ok, cpu)))
    ratio = pdfium_ratio([f for f in sample if f.suffix == ".pdf"])
    rows.append(("PDF time / PDFium text", f"{ratio[0] / ratio[1]:.1f}x ({ratio[0]:.2f} vs {ratio[1]:.3f} CPU-s)"
                 if ratio and ratio[1] else "n/a (no PDF)"))
    help_text = ingest_help()
    has_jobs = "--jobs" in help_text
    one_job = ["--jobs", "1"] if has_jobs else []
    first = ingest(corpus, work / "out_n", one_job, work, cold=True)
    rows.append(("ingest N, peak RSS", _mem(first, args.n)))
    rows.append(("ingest N, reports/CPU-s", f"{first['rate']:.1f}"))
    if not args.quick:
        big = work / f"corpus_{10 * args.n}"
        shutil.rmtree(big, ignore_errors=True)
        make_corpus(10 * args.n, big, sources, seed=args.seed)
        rows.append(("ingest 10N, peak RSS", _mem(ingest(big, work / "out_10n", one_job, work, cold=True), 10 * args.n)))
    else:
        rows.append(("ingest 10N, peak RSS", _mem(None, 0)))
    second = ingest(corpus, work / "out_n", one_job, work, cold=False)
    rows.append(("second ingest, unchanged", f"{second['wall']:.1f} s wall, {second['cpu']:.1f} CPU-s "
                 f"(first {first['wall']:.1f} s)"))
    if has_jobs:
        two = ingest(corpus, work / "out_jobs2", ["--jobs", "2"], work, cold=True)
        rows.append(("--jobs 2 speed-up", f"{first['wall'] / two['wall']:.2f}x ({first['wall']:.1f} s -> "
                     f"{two['wall']:.1f} s wall; tables {same_tables(work / 'out_n', work / 'out_jobs2')})"))
    else:
        rows.append(("--jobs 2 speed-up", "n/a (no --jobs)"))
    if "--engine" in help_text and "dask" in help_text:
        dask = ingest(corpus, work / "out_dask", ["--engine", "dask"], work, cold=True)
        rows.append(("Dask vs local", f"{dask['wall']:.1f} s vs {first['wall']:.1f} s wall (exit {dask['rc']}); "
                     f"tables {same_tables(work / 'out_n', work / 'out_dask')}"))
    else:
        rows.append(("Dask vs local", "n/a (no --engine dask)"))
    if args.build_n:
        res, pages = build_per_page(sources, args.build_n, work)
        rows.append(("build time per page", f"{res['wall'] / pages:.1f} s wall/page ({pages} pages from "
                     f"{args.build_n} reports in {res['wall']:.0f} s, {res['cpu']:.0f} CPU-s, exit {res['rc']})"
                     if pages else f"n/a (build wrote no pages, exit {res['rc']}: {res['err'][-200:]!r})"))
    return rows


def _sample(corpus: Path, per_format: int) -> list[Path]:
    """Up to per_format corpus files of each format, spread over the corpus."""
    by: dict[str, list[Path]] = {}
    for f in sorted(corpus.iterdir()):
        by.setdefault(f.suffix.lower(), []).append(f)
    return [f for group in by.values() for f in group[:per_format]]


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="corpus size N (10 N is measured too unless --quick)")
    ap.add_argument("--quick", action="store_true", help="skip the 10 N step")
    ap.add_argument("--workdir", type=Path, help="where corpora and outputs go (default: a temp dir, removed after)")
    ap.add_argument("--sample", type=int, default=10, help="files per format parsed in process (default 10)")
    ap.add_argument("--build-n", type=int, default=6, help="reports in the build project (0 skips the build)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="govreport-bench-"))
    work = work.resolve()
    if ROOT in work.parents or work == ROOT:
        ap.error(f"--workdir {work} is inside the repository; corpora never go there")
    work.mkdir(parents=True, exist_ok=True)
    try:
        rows = measure(args, work)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':{width}s} | value")
    print(f"{'-' * width}-|-{'-' * 60}")
    for name, value in rows:
        print(f"{name:{width}s} | {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
