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
_INLINE = re.compile(r"</?(?:span|font|b|i|u|em|strong|a|sup|sub|small|big|o:p)\b|<!--", re.I)
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


def count_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every count in plain text: not a date, article, list marker, percentage or phone prefix."""
    out = []
    for m in _NUMBER.finditer(text):
        if (_NOT_AFTER.match(text, m.end()) or _NOT_BEFORE.search(text[max(0, m.start() - 4):m.start()])
                or (len(m.group(1)) > 1 and m.group(1).startswith("0") and "." not in m.group(1))):
            continue
        out.append((m.start(1), m.end(1)))
    return out


def _replace(text: str, spans: list[tuple[int, int]], k: int, numbers: Optional[list]) -> str:
    """text with each span's number times k; (new position, new token) appended to numbers."""
    parts, last, length = [], 0, 0
    for start, end in sorted(spans):
        new = _scale(text[start:end], k)
        parts.append(text[last:start])
        length += len(parts[-1])
        if numbers is not None:
            numbers.append((length, new))
        parts.append(new)
        length += len(new)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def scale_numbers(text: str, k: int, numbers: Optional[list] = None) -> str:
    """Every count in a stretch of plain text multiplied by k; (position, value) of each scaled number appended to numbers."""
    return _replace(text, count_spans(text), k, numbers)


def _bump(text: str, numbers: list[tuple[int, str]], bump: Optional[int]) -> tuple[str, str]:
    """The bump-th scaled number printed one higher (a cell an identity checks): the copy breaks that identity."""
    if bump is None or bump >= len(numbers):
        return text, ""
    pos, tok = numbers[bump]
    new = str(Decimal(tok) + 1)
    return text[:pos] + new + text[pos + len(tok):], f"{tok}->{new}"


def perturb_text(text: str, k: int, bump: Optional[int] = None) -> tuple[str, str, list]:
    """A plain-text report with every count times k (and its bump-th count +1); also the (position, token) of each."""
    nums: list = []
    text = scale_numbers(text, k, nums)
    return (*_bump(text, nums, bump), nums)


def _visible(pieces: list[str]) -> tuple[str, list]:
    """The text a reader sees (inline tags joined, block tags as line breaks) and, per character, (piece, offset)."""
    stream, owner = [], []
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            stream.append(piece)
            owner.extend((i, j) for j in range(len(piece)))
        else:
            sep = "" if _INLINE.match(piece) else (" " if piece.startswith("&") else "\n")
            stream.append(sep)
            owner.extend([None] * len(sep))
    return "".join(stream), owner


def perturb_html(text: str, k: int, bump: Optional[int] = None) -> tuple[str, str, list]:
    """An HTML report with the counts of its text nodes times k (tags, scripts and entities untouched; a number
    split over inline tags, 201</span><span>6年, is read whole and left alone)."""
    pieces = _HTML_SPLIT.split(text)
    visible, owner = _visible(pieces)
    spans: dict[int, list] = {}
    for start, end in count_spans(visible):
        first, last = owner[start], owner[end - 1]
        if first and last and first[0] == last[0]:
            spans.setdefault(first[0], []).append((first[1], first[1] + end - start))
    out, numbers, offset = [], [], 0
    for i, piece in enumerate(pieces):
        if i in spans:
            nums: list = []
            piece = _replace(piece, spans[i], k, nums)
            numbers += [(offset + p, tok) for p, tok in nums]
        out.append(piece)
        offset += len(piece)
    text = "".join(out)
    return (*_bump(text, numbers, bump), numbers)


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
    bump: Optional[int] = None  # which count a broken copy prints one higher (one an identity check catches)


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


def _perturb(path: Path, text: str, k: int, bump: Optional[int] = None) -> tuple[str, str, list]:
    return (perturb_html if path.suffix.lower() in {".html", ".htm"} else perturb_text)(text, k, bump)


def _probe(govreport, src: Path, text: str, enc: str):
    """src's text parsed from a scratch copy (None when refused)."""
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / src.name
        probe.write_bytes(text.encode(enc))
        try:
            return govreport.parse(probe)
        except Exception:
            return None


def _fails(rep) -> int:
    return int((rep.findings["state"] == "fail").sum())


def _checked_metrics() -> set:
    import govreport
    with open(Path(govreport.__file__).parent / "catalog" / "rules.csv", encoding="utf-8") as fh:
        return {r["metric"] for r in csv.DictReader(fh)} - {"*"}


def check_source(govreport, src: Path, original, region: str, tries: int = 20) -> tuple[bool, Optional[int]]:
    """(whether a 3-times copy parses to 3 times every printed value, which count to +1 so that one more
    identity check fails), both tried on scratch copies; row codes or odd layouts may allow neither."""
    text, enc = _decode(src.read_bytes())
    text = text.replace(region, generated_region(0, region))
    copy = _probe(govreport, src, _perturb(src, text, 3)[0], enc)
    scalable = copy is not None and not scale_mismatches(original, copy, 3)
    v = original.values
    checked = v[(v["provenance"] != "derived") & v["metric"].isin(_checked_metrics())]
    _, _, numbers = _perturb(src, text, 1)
    wanted = sorted(set(checked["value"].dropna()), reverse=True)  # a 0 printed as 1 breaks a check too
    # largest first; a value's later occurrences first, since reports state their figures in prose before the tables
    ordinals = [i for w in wanted for i in reversed(range(len(numbers))) if math.isclose(float(numbers[i][1]), w)]
    for i in ordinals[:tries] if scalable else []:
        broken = _probe(govreport, src, _perturb(src, text, 1, i)[0], enc)
        if broken is not None and _fails(broken) > _fails(original) and len(scale_mismatches(original, broken, 1)) == 1:
            return scalable, i
    return scalable, None


def describe_sources(files: list[Path]) -> list[Source]:
    """Each source with its agency (parsed once), one family number per agency, and whether k-scaling holds."""
    import govreport
    families: dict[str, int] = {}
    out = []
    for f in files:
        agency, scalable, bump, key = "", False, None, ""
        if f.suffix.lower() in SCALED_FORMATS:
            try:
                original = govreport.parse(f)
            except Exception:  # a report the parser refuses is still copied as is
                original = None
            if original is not None:
                agency, key = original.meta["agency"], original.meta["agency_id"]
                if agency_region(agency):
                    scalable, bump = check_source(govreport, f, original, agency_region(agency))
        out.append(Source(f, agency, families.setdefault(key, len(families)), scalable, bump))
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
        broken = src.scalable and src.bump is not None and rng.random() < BROKEN_SHARE
        text, enc = _decode(src.path.read_bytes())
        new_region = generated_region(copy * n_families + src.family, region)
        text = text.replace(region, new_region)
        text, change, _ = _perturb(src.path, text, k, src.bump if broken else None)
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
    (work / "data" / "raw").mkdir(parents=True, exist_ok=True)  # ingest wants a project root, even with paths
    res = run_measured([GOVREPORT, "--root", str(work), "ingest", str(corpus), "--out", str(out), "--quiet", *extra],
                       env=env, cwd=work)
    if not (out.is_dir() and any(out.iterdir())):
        raise RuntimeError(f"ingest {' '.join(extra)} wrote no tables (exit {res['rc']}): {res['err'].strip()[-200:]}")
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


def _guarded(rows: list, name: str, fn) -> None:
    """Append (name, fn()) to rows; a step that fails prints n/a with its one-line reason instead."""
    try:
        rows.append((name, fn()))
    except Exception as exc:  # the table must still print when one stage is missing or broken
        rows.append((name, f"n/a ({type(exc).__name__}: {str(exc).strip().splitlines()[-1][:160] if str(exc).strip() else ''})"))


def measure(args: argparse.Namespace, work: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    files = source_files()
    files += docx_renders([f for f in files if f.suffix.lower() == ".html"], work / "docx_cache")
    sources = describe_sources(files)
    corpus = work / f"corpus_{args.n}"
    shutil.rmtree(corpus, ignore_errors=True)
    t = time.perf_counter()
    made = make_corpus(args.n, corpus, sources, seed=args.seed)
    counts = {f: sum(r["format"] == f for r in made) for f in sorted({r["format"] for r in made})}
    rows.append(("corpus", f"{len(made)} reports from {len(sources)} sources ("
                 + ", ".join(f"{v} {k}" for k, v in counts.items())
                 + f"); {sum('->' in r['broken'] for r in made)} broken on purpose; made in {time.perf_counter() - t:.1f} s"))
    sample = _sample(corpus, args.sample)
    for fmt, (n_ok, cpu) in in_process_rates(sample).items():
        rows.append((f"parse {fmt}, in process", fmt_rate(n_ok, cpu)))
    _guarded(rows, "PDF time / PDFium text", lambda: _pdf_ratio_text([f for f in sample if f.suffix == ".pdf"]))
    help_text = ingest_help()
    has_jobs = "--jobs" in help_text
    one_job = ["--jobs", "1"] if has_jobs else []
    runs: dict[str, dict] = {}

    def first_run() -> str:
        runs["first"] = ingest(corpus, work / "out_n", one_job, work, cold=True)
        return _mem(runs["first"], args.n)
    _guarded(rows, "ingest N: peak RSS", first_run)
    _guarded(rows, "ingest N: reports/CPU-s", lambda: f"{runs['first']['rate']:.1f} (whole CLI run, one process)")
    _guarded(rows, "broken copies caught", lambda: _caught(work / "out_n", made))
    _guarded(rows, "ingest 10N: peak RSS", lambda: _mem(None, 0) if args.quick else _ingest_10n(args, sources, work, one_job))
    _guarded(rows, "second ingest, unchanged", lambda: _second(corpus, work, one_job, runs["first"]))
    _guarded(rows, "--jobs 2 speed-up", lambda: _jobs2(corpus, work, runs["first"]) if has_jobs else "n/a (no --jobs)")
    _guarded(rows, "Dask vs local", lambda: _dask(corpus, work, runs["first"])
             if "--engine" in help_text and "dask" in help_text else "n/a (no --engine dask)")
    if args.build_n:
        _guarded(rows, "build time per page", lambda: _build_text(sources, args.build_n, work))
    return rows


def _caught(out: Path, made: list[dict]) -> str:
    """Broken copies with more failed checks than the intact copies of the same source (identities kept elsewhere)."""
    import govreport
    data = govreport.load(out)
    fails = data.findings[data.findings["state"] == "fail"].groupby("report_id").size()
    per_file = {Path(f).name: int(fails.get(r, 0)) for f, r in zip(data.reports["source_file"], data.reports["report_id"])}
    intact: dict[str, set] = {}
    for r in made:
        if r["file"] in per_file and not r["broken"] and r["k"] > 1:
            intact.setdefault(r["source"], set()).add(per_file[r["file"]])
    broken = [r for r in made if "->" in r["broken"] and r["file"] in per_file]
    caught = sum(per_file[r["file"]] > max(intact.get(r["source"], {0})) for r in broken)
    steady = sum(len(v) == 1 for v in intact.values())
    return (f"{caught}/{len(broken)} with an extra failed check; intact scaled copies fail the same checks as each "
            f"other for {steady}/{len(intact)} sources")


def _pdf_ratio_text(pdfs: list[Path]) -> str:
    ratio = pdfium_ratio(pdfs)
    if not ratio or not ratio[1]:
        return "n/a (no PDF)"
    return f"{ratio[0] / ratio[1]:.1f}x ({len(pdfs)} PDFs: parse {ratio[0]:.2f} CPU-s, PDFium text {ratio[1]:.3f} CPU-s)"


def _ingest_10n(args, sources, work: Path, extra: list[str]) -> str:
    big = work / f"corpus_{10 * args.n}"
    shutil.rmtree(big, ignore_errors=True)
    make_corpus(10 * args.n, big, sources, seed=args.seed)
    return _mem(ingest(big, work / "out_10n", extra, work, cold=True), 10 * args.n)


def _second(corpus: Path, work: Path, extra: list[str], first: dict) -> str:
    second = ingest(corpus, work / "out_n", extra, work, cold=False)
    return f"{second['wall']:.1f} s wall, {second['cpu']:.1f} CPU-s (first run {first['wall']:.1f} s wall)"


def _jobs2(corpus: Path, work: Path, first: dict) -> str:
    two = ingest(corpus, work / "out_jobs2", ["--jobs", "2"], work, cold=True)
    return (f"{first['wall'] / two['wall']:.2f}x ({first['wall']:.1f} s -> {two['wall']:.1f} s wall, "
            f"{first['cpu']:.1f} -> {two['cpu']:.1f} CPU-s, peak RSS of the "
            f"largest process {two['rss_mb']:.0f} MB; tables {same_tables(work / 'out_n', work / 'out_jobs2')})")


def _dask(corpus: Path, work: Path, first: dict) -> str:
    dask = ingest(corpus, work / "out_dask", ["--engine", "dask"], work, cold=True)
    return (f"{dask['wall']:.1f} s vs {first['wall']:.1f} s wall (--jobs 1 local); "
            f"tables {same_tables(work / 'out_n', work / 'out_dask')}")


def _build_text(sources: list[Source], n: int, work: Path) -> str:
    res, pages = build_per_page(sources, n, work)
    if not pages:
        return f"n/a (build wrote no pages, exit {res['rc']}: {res['err'].strip()[-160:]!r})"
    return (f"{res['wall'] / pages:.1f} s wall/page ({pages} pages from {n} reports in {res['wall']:.0f} s wall, "
            f"{res['cpu']:.0f} CPU-s, exit {res['rc']})")


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
    ap.add_argument("--sample", type=int, default=20, help="files per format parsed in process (default 20)")
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
