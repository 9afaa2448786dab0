"""Corpus generator for bench_corpus.py: copies of the real reports with numbers perturbed, identities kept.

Text and HTML copies get every count multiplied by one factor k (so every identity still holds:
sum(k*a) = k*sum(a)) and the agency's own region replaced by a generated one (so agency ids differ); a
share of them is broken on purpose (one count an identity checks printed one higher). Each source is
checked once on scratch copies: a source whose 3-times copy does not parse to exactly 3 times its values
(row codes, numbers split over lines) is copied with k = 1. PDF and DOCX copies are byte copies made
distinct where the format allows it (a comment after %%EOF; a ZIP archive comment).
"""
from __future__ import annotations

import csv
import hashlib
import math
import os
import random
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
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


def interleave(files: list[Path]) -> list[Path]:
    """Files taken round-robin by format, so that even a small corpus holds every format."""
    groups: dict[str, list[Path]] = {}
    for f in files:
        groups.setdefault(f.suffix.lower(), []).append(f)
    out = []
    while any(groups.values()):
        out += [g.pop(0) for g in groups.values() if g]
    return out


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
