"""Figures stated in the prose: extract them, link parts to wholes, check them.

Much of what an agency did is only written in sentences ("共转办市民有效诉求件
4491 件，其中…，办结率 99.64%"). This module reads every number+unit pair in the
prose paragraphs of a Document into a ``facts`` table (one row per quantity,
with the subject phrase it counts and the sentence it came from), links the
parts of "共…，其中：A x件、B y件" lists to their whole, and checks them: parts
against their whole, stated rates against their counts, and prose figures
against the table figure for the same thing.

Units, verbs, stop words and the prose-subject → table-metric map are data
files in ``catalog/`` (fact_units.csv, fact_lexicon.csv, fact_rates.csv,
fact_subjects.csv).
"""
from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import pandas as pd

from .normalize import clean_text, nfkc
from .paragraphs import is_table_line, top_heading
from .safety import LIMITS, Budget

CATALOG = Path(__file__).parent / "catalog"

FACT_COLUMNS = ["report_id", "fact_id", "section", "subject", "value", "unit", "sentence", "parent_fact_id", "role"]
FINDING_COLUMNS = ["report_id", "rule", "applicant", "state", "left", "right", "evidence", "blanks_as_zero"]


# --------------------------------------------------------------------------- catalog

@dataclass(frozen=True)
class Unit:
    unit: str
    dimension: str
    factor: float
    classifier: bool
    chinese_numeral: bool


@dataclass(frozen=True)
class Lexicon:
    units: dict
    verbs: tuple
    nominals: tuple
    prefixes: tuple
    total_markers: tuple
    part_intro: tuple
    part_stop: tuple
    after_stop: tuple
    guards: tuple
    suffixes: tuple
    unit_blockers: tuple
    cn_prefix_blockers: tuple
    cn_suffix_blockers: tuple
    rates: dict          # rate word -> numerator keyword
    subjects: tuple      # (compiled pattern, metric)
    subject_synonyms: tuple = ()   # (word, canonical word) applied by subject_key
    subject_stopwords: tuple = ()  # words subject_key drops (各类 …)


def _read_csv(name: str) -> list[dict]:
    with open(CATALOG / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The domain word lists, read once from catalog/*.csv."""
    units = {
        r["unit"]: Unit(r["unit"], r["dimension"], float(r["factor"]), r["classifier"] == "yes", r["chinese_numeral"] == "yes")
        for r in _read_csv("fact_units.csv")
    }
    words: dict[str, list[str]] = {}
    for r in _read_csv("fact_lexicon.csv"):
        words.setdefault(r["kind"], []).append(r["word"])

    def longest_first(kind):
        return tuple(sorted(words.get(kind, []), key=len, reverse=True))

    rates = {r["rate"]: r["numerator"] for r in _read_csv("fact_rates.csv")}
    subjects = tuple((re.compile(r["pattern"]), r["metric"]) for r in _read_csv("fact_subjects.csv"))
    return Lexicon(
        units=units,
        verbs=longest_first("verb"),
        nominals=longest_first("nominal"),
        prefixes=longest_first("prefix"),
        total_markers=longest_first("total_marker"),
        part_intro=longest_first("part_intro"),
        part_stop=longest_first("part_stop"),
        after_stop=longest_first("after_stop"),
        guards=longest_first("guard"),
        suffixes=longest_first("suffix"),
        unit_blockers=tuple(words.get("unit_blocker", [])),
        cn_prefix_blockers=longest_first("cn_prefix_blocker"),
        cn_suffix_blockers=tuple(words.get("cn_suffix_blocker", [])),
        rates=dict(sorted(rates.items(), key=lambda kv: len(kv[0]), reverse=True)),
        subjects=subjects,
        subject_synonyms=tuple(tuple(w.split("=", 1)) for w in words.get("subject_synonym", []) if "=" in w),
        subject_stopwords=longest_first("subject_stopword"),
    )


# --------------------------------------------------------------------------- numbers

_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}


def chinese_to_number(text: str) -> Optional[int]:
    """三 -> 3, 十二 -> 12, 二十五 -> 25, 一百零八 -> 108, 三万 -> 30000; None if not a numeral."""
    if not text or any(ch not in _CN_DIGIT and ch not in _CN_SMALL_UNIT and ch != "万" for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        elif ch in _CN_SMALL_UNIT:
            section += (1 if digit is None else digit) * _CN_SMALL_UNIT[ch]
            digit = None
        else:  # 万
            section += digit or 0
            total += (section or 1) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


@dataclass
class _Token:
    start: int          # index of the first character of the number
    end: int            # index after the unit
    value: float
    unit: str
    decimals: int = 0   # digits after the decimal point (for rate rounding)
    subject: str = ""
    total: bool = False  # announced with 共/累计/合计…
    role: str = "single"
    parent: Optional[int] = None
    parts: list = field(default_factory=list)


# A number starts only where its run of digits (or numerals) starts: a match that
# failed at the start of a run fails inside it too, so trying again at every inner
# position only made long runs of digits quadratic. Likewise a thousands-grouped
# number does not start right after "digit,".
_ARABIC = r"(?P<num>(?<!\d)(?<!\d,)\d{1,3}(?:,\d{3})+(?!\d)|(?<!\d)\d+)(?P<frac>\.\d+)?"
_CN_NUM = r"(?<![〇零一二两三四五六七八九十百千万])(?P<cn>[〇零一二两三四五六七八九十百千万]+)"


@lru_cache(maxsize=1)
def _token_pattern() -> re.Pattern:
    units = sorted(lexicon().units, key=len, reverse=True)
    alt = "|".join(re.escape(u) for u in units)
    return re.compile(
        rf"(?:{_ARABIC}|{_CN_NUM})\s*(?P<approx1>余|多)?\s*(?P<mult>万(?!元)|亿(?!元))?\s*(?P<approx2>余|多)?\s*(?P<unit>{alt})"
    )


def _excluded_context(text: str, m: re.Match) -> bool:
    """Numbers that are not counts: ordinals, document numbers, phone numbers, codes, URLs."""
    lex = lexicon()
    start = m.start()
    before = text[max(0, start - 3):start].rstrip()
    prev = before[-1:] if before else ""
    after = text[m.end("unit"):m.end("unit") + 3]
    unit = m["unit"]
    for blocker in lex.unit_blockers:
        if (unit + after).startswith(blocker) and len(blocker) > len(unit):
            return True
    if prev in ("第", "〕", "]", "-", "—", "/", ".", "@", "#", "No", "号") or (prev.isascii() and prev.isalpha()):
        return True
    if text[m.end("unit"):m.end("unit") + 1] in ("-", "—", "/") and unit != "%":
        return True
    if m["num"]:
        digits = m["num"].replace(",", "")
        if len(digits) > 1 and digits.startswith("0"):
            return True
        nxt = text[m.end("num"):m.end("num") + 1]
        if nxt in ("-", "/", "年", "月", "日") or (nxt.isascii() and nxt.isalpha()):
            return True
    else:
        cn = m["cn"]
        value = chinese_to_number(cn)
        if value is None or value < 2 or not lex.units[unit].chinese_numeral:
            return True
        for blocker in lex.cn_prefix_blockers:
            if text[:start].endswith(blocker):
                return True
        tail = text[m.end("unit"):m.end("unit") + 4]
        if any(tail.startswith(b) for b in lex.cn_suffix_blockers):
            return True
        if text[start - 1:start] and text[start - 1] in "〇零一二两三四五六七八九十百千万":
            return True
    return False


def _tokenize(text: str) -> list[_Token]:
    out: list[_Token] = []
    for m in _token_pattern().finditer(text):
        if _excluded_context(text, m):
            continue
        if m["num"]:
            value = float(m["num"].replace(",", "") + (m["frac"] or ""))
            decimals = len(m["frac"]) - 1 if m["frac"] else 0
        else:
            value = float(chinese_to_number(m["cn"]))
            decimals = 0
        if m["mult"] == "万":
            value *= 10000
        elif m["mult"] == "亿":
            value *= 100000000
        unit = m["unit"]
        if unit == "%" and value > 1000:
            continue
        out.append(_Token(start=m.start(), end=m.end(), value=value, unit=unit, decimals=decimals))
    # Tokens must not overlap (the regex cannot, but exclusions may have skipped one)
    return out


# --------------------------------------------------------------------------- subjects

_OPEN = {")": "(", "）": "（", "”": "“", "》": "《", "’": "‘", "〉": "〈", ">": "<", "」": "「"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_STRONG = set(",，。;；:：!！?？")
_YEAR_PREFIX = re.compile(r"^\s*(?:\d{4}\s*年(?:度)?|本年度|今年)\s*")


def _mask_quotes(text: str) -> str:
    """Replace quoted/bracketed spans by █ so verbs inside titles are not seen,
    and words such as 公共/及时 by ▒ so their 共/及 are not read as markers."""
    out = list(text)
    for m in _alternation("guards").finditer(text):
        for k in range(m.start(), m.end()):
            out[k] = "▒"
    depth = []
    for i, ch in enumerate(text):
        if ch in ("“", "《", "‘", "「", "〈"):
            depth.append(ch)
            out[i] = "█"
        elif depth and ch in ("”", "》", "’", "」", "〉"):
            depth.pop()
            out[i] = "█"
        elif depth:
            out[i] = "█"
    return "".join(out)


def _clause_start(text: str, pos: int, floor: int) -> int:
    """Where the clause ending at ``pos`` begins: after the nearest strong
    punctuation or unmatched opening bracket, skipping balanced brackets."""
    i = pos - 1
    while i >= floor:
        ch = text[i]
        if ch in _STRONG:
            return i + 1
        if ch in _OPEN:
            opener = _OPEN[ch]
            depth = 1
            j = i - 1
            while j >= floor and depth:
                if text[j] == ch:
                    depth += 1
                elif text[j] == opener:
                    depth -= 1
                j -= 1
            if depth:
                return floor
            i = j
            continue
        if ch in ("(", "（"):
            return i + 1
        i -= 1
    return floor


def _verb_positions(masked: str) -> list[tuple[int, str]]:
    """(start, verb) for verbs that are not inside a nominal phrase (信息公开, 发布会…)."""
    covered = [False] * len(masked)
    for m in _alternation("nominals").finditer(masked):
        for k in range(m.start(), m.end()):
            covered[k] = True
    found = []
    for m in _alternation("verbs").finditer(masked):
        if not any(covered[k] for k in range(m.start(), m.end())):
            found.append((m.start(), m.group()))
    return found


@lru_cache(maxsize=None)
def _alternation(kind: str) -> re.Pattern:
    """One regex for a word list, longest words first (leftmost-longest matches)."""
    words = getattr(lexicon(), kind)
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _strip_prefixes(text: str) -> tuple[str, bool]:
    """Remove leading time words and adverbs; report whether a total marker (共…) was seen."""
    lex = lexicon()
    total = False
    changed = True
    text = text.strip()
    while changed and text:
        changed = False
        m = _YEAR_PREFIX.match(text)
        if m and m.end() > 0:
            text = text[m.end():].strip()
            changed = True
            continue
        masked = _mask_quotes(text)
        for p in lex.prefixes:
            if masked.startswith(p):
                if p in lex.total_markers:
                    total = True
                text = text[len(p):].strip(" ,，:：、")
                changed = True
                break
    return text, total


def _remove_markers(text: str) -> tuple[str, bool]:
    """Drop 共/累计… inside the phrase (便民服务事项共受理 -> 便民服务事项受理)."""
    lex = lexicon()
    total = False
    masked = _mask_quotes(text)
    verb_starts = {pos for pos, _ in _verb_positions(masked)}
    for marker in lex.total_markers:
        idx = masked.find(marker)
        if idx > 0 and idx + len(marker) in verb_starts:
            text = text[:idx] + text[idx + len(marker):]
            masked = masked[:idx] + masked[idx + len(marker):]
            total = True
    return text, total


def _subject_before(text: str, tok: _Token, floor: int) -> tuple[str, bool]:
    """The noun phrase that a number counts, read backwards from the number."""
    start = _clause_start(text, tok.start, floor)
    seg = text[start:tok.start].strip()
    masked = _mask_quotes(seg)
    # A 、-list: "A x件、B y件" -> the item after the last 、 unless it is "…等 X"
    if "、" in masked:
        last = masked.rfind("、")
        if "等" not in masked[last:]:
            seg, masked = seg[last + 1:], masked[last + 1:]
    seg_stripped, total = _strip_prefixes(seg)
    cut = len(seg) - len(seg_stripped)
    seg, masked = seg_stripped, masked[cut:]
    verbs = _verb_positions(masked)
    deng = masked.rfind("等")
    if deng >= 0 and deng < len(masked) - 1:
        # "转办市民咨询、求助…和投诉等有效诉求件": verb before the list + the head after 等
        tail = seg[deng + 1:]
        tail_verbs = [v for v in verbs if v[0] > deng]
        first_item = masked.find("、")
        lead_verbs = [v for v in verbs if v[0] < (first_item if 0 <= first_item < deng else deng)]
        if tail_verbs and seg[tail_verbs[-1][0]:] != tail_verbs[-1][1]:
            subject = seg[tail_verbs[-1][0]:]
        elif lead_verbs:
            subject = lead_verbs[-1][1] + tail
        else:
            subject = seg
    elif verbs:
        pos, verb = verbs[-1]
        subject = seg[pos:]
        if subject == verb:  # bare verb at the end: start at the verb before it, if any
            subject = seg[verbs[-2][0]:] if len(verbs) > 1 else seg
    else:
        subject = seg
    subject, total2 = _remove_markers(subject)
    subject, total3 = _strip_prefixes(subject)
    subject, total4 = _strip_suffixes(subject)
    subject = subject.strip(" 、,，及和与")
    return subject, total or total2 or total3 or total4


def _strip_suffixes(text: str) -> tuple[str, bool]:
    """Remove trailing copulas and markers (…新媒体共计 -> …新媒体, 合格率均为 -> 合格率)."""
    lex = lexicon()
    total = False
    changed = True
    while changed and text:
        changed = False
        for suf in lex.suffixes:
            if text.endswith(suf) and len(text) > len(suf):
                total = total or suf in lex.total_markers
                text = text[: -len(suf)].rstrip()
                changed = True
                break
    return text, total


def _subject_after(text: str, tok: _Token) -> str:
    """The noun after a classifier: 39项便民服务事项 -> 便民服务事项."""
    lex = lexicon()
    i = tok.end
    out = []
    depth = 0
    if text[i:i + 1] in ("(", "（", "[", "【"):
        return ""
    while i < len(text):
        ch = text[i]
        if ch in _STRONG or ch in "、。" or ch.isdigit() or ch == " ":
            break
        if ch in ("(", "（", "“", "《"):
            depth += 1
        elif ch in (")", "）", "”", "》"):
            if depth == 0:
                break
            depth -= 1
        out.append(ch)
        i += 1
    phrase = "".join(out)
    masked = _mask_quotes(phrase)
    cut = len(phrase)
    for stop in lex.after_stop:
        k = masked.find(stop)
        if 0 <= k < cut:
            cut = k
    for pos, verb in _verb_positions(masked):
        if pos < cut and pos > 0:
            cut = pos
    phrase = phrase[:cut]
    if len(phrase) > 20:
        return ""
    return phrase.strip(" 及和与")


def _assign_subjects(text: str, tokens: list[_Token]) -> None:
    lex = lexicon()
    prev_end = 0
    for k, tok in enumerate(tokens):
        unit = lex.units[tok.unit]
        gap = text[prev_end:tok.start] if k else ""
        if k and not gap.strip():
            # "培训3场次570余人次": the second figure counts the same thing
            tok.subject, tok.total = tokens[k - 1].subject, tokens[k - 1].total
            prev_end = tok.end
            continue
        after = _subject_after(text, tok) if unit.classifier else ""
        if after:
            tok.subject = after
            _, tok.total = _subject_before(text, tok, prev_end)
        else:
            tok.subject, tok.total = _subject_before(text, tok, prev_end)
            if not tok.subject:
                tok.subject = _subject_after(text, tok)
            elif tok.subject in lex.verbs:
                # "组织 4 次政府信息公开栏目全覆盖检查": a bare verb takes the noun after it
                tok.subject += _subject_after(text, tok)
        prev_end = tok.end


# --------------------------------------------------------------------------- part–whole

def _link_parts(text: str, tokens: list[_Token]) -> None:
    """"共 M 件，其中：A x件、B y件…" -> the x, y… are parts of M."""
    lex = lexicon()
    dims = {u: lex.units[u].dimension for u in lex.units}
    for k, whole in enumerate(tokens):
        if whole.role == "part" or dims[whole.unit] in ("percent",) or k + 1 >= len(tokens):
            continue
        gap = text[whole.end:tokens[k + 1].start]
        gap_clean = gap.strip(" ,，:：(（")
        intro = next((w for w in lex.part_intro if gap_clean.startswith(w)), None)
        if intro is None:
            continue
        parts = []
        j = k + 1
        while j < len(tokens):
            part = tokens[j]
            if dims[part.unit] != dims[whole.unit]:
                break
            if parts:
                between = text[tokens[j - 1].end:part.start]
                if any(stop in between for stop in lex.part_stop) or "。" in between:
                    break
            parts.append(j)
            j += 1
        if not parts:
            continue
        whole.role = "whole"
        whole.parts = parts
        for j in parts:
            tokens[j].role = "part"
            tokens[j].parent = k


# --------------------------------------------------------------------------- sentences

_SENT_SPLIT = re.compile(r"(?<=[。！？!?])")


def _sentences(paragraph: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of a paragraph, split after 。！？."""
    out, pos = [], 0
    for piece in _SENT_SPLIT.split(paragraph):
        if piece:
            out.append((pos, piece))
        pos += len(piece)
    return out


def prose_paragraphs(document) -> list[tuple[str, str]]:
    """(section heading, paragraph) for each prose paragraph of a Document.

    Headings are tracked in order (一、 then 二、 …) so the rows of a statistics
    table that start with 一、/二、 do not pass for section headings; headings
    themselves and table-like lines are left out.
    """
    section, number = "", 0
    out = []
    for para in document.paragraphs():
        head = top_heading(para)
        if head is not None:
            if head[0] > number:
                section, number = head[1], head[0]
            continue
        if is_table_line(para):
            continue
        out.append((section, para))
    return out


# --------------------------------------------------------------------------- public API

def extract_facts(report_id: str, document) -> pd.DataFrame:
    """One row per quantity stated in the prose of ``document`` (see FACT_COLUMNS).

    Work is bounded per report (safety.LIMITS): a sentence longer than
    max_sentence_chars is cut, prose beyond max_prose_chars is not read, and the
    step stops at prose_seconds. Each of these leaves a ``prose.truncated`` or
    ``prose.budget`` finding in ``attrs["findings"]``, which check_facts returns.
    """
    lex = lexicon()
    rows, notes = [], []
    n = 0
    budget = Budget(document.path, LIMITS.prose_seconds, "extracting facts from the prose")
    for sentence in _bounded_sentences(report_id, document, budget, notes):
        section, text = sentence
        tokens = _tokenize(text)
        if not tokens:
            continue
        _assign_subjects(text, tokens)
        _link_parts(text, tokens)
        ids = [f"{report_id}#f{n + k}" for k in range(1, len(tokens) + 1)]
        n += len(tokens)
        stored = text.strip()
        for tok, fid in zip(tokens, ids):
            role = "rate" if lex.units[tok.unit].dimension == "percent" else tok.role
            rows.append({
                "report_id": report_id, "fact_id": fid, "section": section, "subject": tok.subject,
                "value": tok.value, "unit": tok.unit, "sentence": stored,
                "parent_fact_id": ids[tok.parent] if tok.parent is not None else pd.NA, "role": role,
            })
    df = pd.DataFrame(rows, columns=FACT_COLUMNS).astype({"value": "float64"})
    df.attrs["findings"] = notes
    return df


def _bounded_sentences(report_id: str, document, budget: Budget, notes: list):
    """(section, sentence) in reading order, within the limits of LIMITS; every cut is noted."""
    limit, read, total = LIMITS.max_sentence_chars, 0, 0
    stopped = None
    for section, para in prose_paragraphs(document):
        para = clean_text(para)
        total += len(para)
        if stopped is not None:
            continue
        for _offset, sentence in _sentences(para):
            reason = budget.exceeded()
            if reason is None and read + min(len(sentence), limit) > LIMITS.max_prose_chars:
                reason = "limit"
            if reason is not None:
                stopped = reason
                break
            if len(sentence) > limit:
                cut = _cut_sentence(sentence, limit)
                notes.append(_finding(report_id, "prose.truncated", "not_assessable", len(sentence), len(cut),
                                      f"a sentence of {len(sentence)} characters was cut to {len(cut)} for fact extraction "
                                      f"(limit {limit}): figures after the cut are not read | {_short(sentence)}"))
                sentence = cut
            read += len(sentence)
            yield section, sentence
    if stopped == "limit":
        notes.append(_finding(report_id, "prose.truncated", "not_assessable", total, read,
                              f"the prose has {total} characters; fact extraction read the first {read} "
                              f"(limit {LIMITS.max_prose_chars} per report)"))
    elif stopped is not None:
        notes.append(_finding(report_id, "prose.budget", "not_assessable", total, read,
                              f"{stopped}: facts were read from the first {read} of {total} characters of prose"))


# Where a cut sentence may end: after a clause mark, so no number loses its unit.
_CLAUSE_END = re.compile(r"[,;:、，；：]")
_TRAILING_NUMBER = re.compile(r"[\d.,〇零一二两三四五六七八九十百千万亿]+$")


def _cut_sentence(sentence: str, limit: int) -> str:
    """The sentence's first ``limit`` characters, ended at the last clause mark in its
    second half (else with any trailing, possibly split, number dropped)."""
    head = sentence[:limit]
    ends = [m.end() for m in _CLAUSE_END.finditer(head, limit // 2)]
    if ends:
        return head[:ends[-1]]
    return head[:-64] + _TRAILING_NUMBER.sub("", head[-64:])


def _sentence_hints(facts: pd.DataFrame) -> dict:
    """fact_id -> (decimals printed, announced as a total), re-read from the sentence.

    The facts table keeps only what a reader needs; the checks recover these two
    details by tokenizing the stored sentence again (facts of one sentence are
    stored in reading order). Only sentences with a whole or a rate need them."""
    by_sentence: dict[str, list] = {}
    needed = set()
    for sentence, fid, role in zip(facts["sentence"], facts["fact_id"], facts["role"]):
        by_sentence.setdefault(sentence, []).append(fid)
        if role in ("whole", "rate"):
            needed.add(sentence)
    hints = {}
    for sentence in needed:
        text = str(sentence)
        tokens = _tokenize(text)
        _assign_subjects(text, tokens)
        _link_parts(text, tokens)
        if not tokens:
            continue
        for k, fid in enumerate(by_sentence[sentence]):
            tok = tokens[k % len(tokens)]
            gaps = [text[tokens[a].end:tokens[b].start] for a, b in zip(tok.parts, tok.parts[1:])]
            enumeration = bool(gaps) and all("、" in g for g in gaps)
            hints[fid] = (tok.decimals, tok.total, enumeration)
    return hints


def _finding(report_id, rule, state, left, right, evidence) -> dict:
    return {
        "report_id": report_id, "rule": rule, "applicant": "total", "state": state,
        "left": float(left) if left is not None and not pd.isna(left) else math.nan,
        "right": float(right) if right is not None and not pd.isna(right) else math.nan,
        "evidence": evidence, "blanks_as_zero": False,
    }


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e15 else str(x)


def _short(sentence: str, limit: int = 60) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _check_part_whole(report_id: str, facts: pd.DataFrame, hints: dict) -> list[dict]:
    """Parts against their whole. A 、-list (A x件、B y件) is read as a partition:
    any difference fails. A list of clauses (，A x件，B y件) may be overlapping or
    incomplete breakdowns (其中：入驻大厅 219 项，可不见面办理 253 项), so a
    difference there is not_assessable, with the sums in the evidence."""
    out = []
    parts = facts[facts["role"] == "part"]
    by_id = facts.set_index("fact_id")
    for parent, group in parts.groupby("parent_fact_id", sort=False):
        if len(group) < 2 or parent not in by_id.index:
            continue
        whole = by_id.loc[parent]
        total = float(group["value"].sum())
        enumeration = hints.get(parent, (0, False, True))[2]
        if math.isclose(total, whole["value"], abs_tol=1e-6):
            state = "pass"
        else:
            state = "fail" if enumeration else "not_assessable"
        listing = " + ".join(f"{s} {_fmt(v)}{u}" for s, v, u in zip(group["subject"], group["value"], group["unit"]))
        note = "" if state != "not_assessable" else " (clause list: parts may overlap or be incomplete)"
        evidence = f"{whole['subject']} {_fmt(whole['value'])}{whole['unit']} vs parts {listing} = {_fmt(total)}{note} | {_short(whole['sentence'])}"
        out.append(_finding(report_id, "fact.part_whole", state, whole["value"], total, evidence))
    return out


def _check_rates(report_id: str, facts: pd.DataFrame, hints: dict) -> list[dict]:
    """Stated rates against their counts, one sentence at a time (facts of one sentence
    are consecutive), so the work grows with the facts, not with their square."""
    out = []
    facts = facts.reset_index(drop=True)
    with_rates = facts[facts["sentence"].isin(set(facts.loc[facts["role"] == "rate", "sentence"]))]
    for _sentence, group in with_rates.groupby("sentence", sort=False):
        out.extend(_check_sentence_rates(report_id, group, hints))
    return out


def _check_sentence_rates(report_id: str, facts: pd.DataFrame, hints: dict) -> list[dict]:
    lex = lexicon()
    out = []
    for i, fact in facts.iterrows():
        if fact["role"] != "rate":
            continue
        rate_word = next((w for w in lex.rates if str(fact["subject"]).endswith(w)), None)
        if rate_word is None:
            continue
        keyword = lex.rates[rate_word]
        same = facts[(facts.index < i) & (facts["role"] != "rate")]
        numer = same[same["subject"].str.contains(keyword, regex=False)]
        if numer.empty:
            out.append(_finding(report_id, "fact.rate", "not_assessable", fact["value"], None,
                                f"{rate_word} {_fmt(fact['value'])}%: no {keyword} count before it | {_short(fact['sentence'])}"))
            continue
        n = numer.iloc[-1]
        candidates = same[(same.index < n.name) & (same["unit"].map(lambda u: lex.units[u].dimension) == lex.units[n["unit"]].dimension)]
        whole = candidates[candidates["role"] == "whole"]
        if whole.empty:
            whole = candidates[[hints.get(f, (0, False))[1] for f in candidates["fact_id"]]] if len(candidates) else candidates
        if whole.empty:
            whole = candidates[candidates["unit"] == n["unit"]]
        if whole.empty or whole.iloc[0]["value"] == 0:
            out.append(_finding(report_id, "fact.rate", "not_assessable", fact["value"], None,
                                f"{rate_word} {_fmt(fact['value'])}%: no total count before {keyword} {_fmt(n['value'])} | {_short(fact['sentence'])}"))
            continue
        d = whole.iloc[0]
        computed = 100.0 * n["value"] / d["value"]
        decimals = hints.get(fact["fact_id"], (0, False))[0]
        tolerance = 10.0 ** (-decimals) + 1e-9  # rounding or truncation to the printed decimals
        state = "pass" if abs(computed - fact["value"]) < tolerance else "fail"
        evidence = (f"{rate_word} {_fmt(fact['value'])}% vs {n['subject']} {_fmt(n['value'])} / "
                    f"{d['subject']} {_fmt(d['value'])} = {computed:.{max(decimals, 2)}f}% | {_short(fact['sentence'])}")
        out.append(_finding(report_id, "fact.rate", state, fact["value"], round(computed, 6), evidence))
    return out


def table_metric(subject: str) -> Optional[str]:
    """The table metric a prose subject phrase reports (catalog/fact_subjects.csv), if any."""
    for pattern, metric in lexicon().subjects:
        if pattern.search(subject):
            return metric
    return None


def _convert(value: float, from_unit: str, to_unit: str) -> Optional[float]:
    units = lexicon().units
    if from_unit == to_unit:
        return value
    a, b = units.get(from_unit), units.get(to_unit)
    if a is None or b is None or a.dimension != b.dimension:
        return None
    return value * a.factor / b.factor


def _check_vs_table(report_id: str, facts: pd.DataFrame, values: pd.DataFrame) -> list[dict]:
    out = []
    if values is None or values.empty:
        return out
    totals = values[values["applicant"] == "total"]
    if "report_id" in totals.columns:
        totals = totals[totals["report_id"] == report_id]
    first_row = {r["metric"]: pd.Series(r) for r in totals.drop_duplicates("metric").to_dict("records")}
    for fact in facts[~facts["role"].isin(("part", "rate"))].to_dict("records"):
        metric = table_metric(str(fact["subject"]))
        row = first_row.get(metric) if metric is not None else None
        if row is None:
            continue
        label = row.get("source_label", metric)
        table_unit = row.get("unit") if isinstance(row.get("unit"), str) and row.get("unit") else fact["unit"]
        prose = _convert(float(fact["value"]), fact["unit"], table_unit)
        if prose is None:
            continue
        rule = f"fact.vs_table:{metric}"
        if pd.isna(row["value"]):
            out.append(_finding(report_id, rule, "not_assessable", prose, None,
                                f"prose {fact['subject']} {_fmt(fact['value'])}{fact['unit']} vs table {label}: blank | {_short(fact['sentence'])}"))
            continue
        state = "pass" if math.isclose(prose, float(row["value"]), rel_tol=1e-9, abs_tol=1e-6) else "fail"
        out.append(_finding(report_id, rule, state, prose, float(row["value"]),
                            f"prose {fact['subject']} {_fmt(fact['value'])}{fact['unit']} vs table {label} = {_fmt(float(row['value']))}{table_unit} | {_short(fact['sentence'])}"))
    return out


def check_facts(report_id: str, facts: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """Findings for the prose figures: part–whole sums, stated rates, prose vs table;
    and the prose that extract_facts had to leave out (``attrs["findings"]``)."""
    notes = [f for f in facts.attrs.get("findings", []) if f["report_id"] == report_id]
    facts = facts.copy(deep=False)
    facts.attrs = {}  # pandas deep-copies attrs into every slice: drop them before slicing
    facts = facts[facts["report_id"] == report_id] if "report_id" in facts.columns else facts
    hints = _sentence_hints(facts)
    rows = (notes + _check_part_whole(report_id, facts, hints) + _check_rates(report_id, facts, hints)
            + _check_vs_table(report_id, facts, values))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype({"left": "float64", "right": "float64", "blanks_as_zero": "bool"})


# --------------------------------------------------------------------------- series across years

_CLAUSE_SPLIT = re.compile(r"([,，])")


def _drop_enumerations(text: str) -> str:
    """Remove "A、B和C等" lists: in each comma-free stretch, everything up to its last 等
    when a 、 comes before that 等. The same result as substituting the regex
    ``[^、,，]*(?:、[^、,，]*)+等`` away, in linear time (the regex, tried at every
    start, is quadratic in a long stretch)."""
    pieces = _CLAUSE_SPLIT.split(text)
    for k in range(0, len(pieces), 2):
        piece = pieces[k]
        first, last = piece.find("、"), piece.rfind("等")
        if 0 <= first < last:
            pieces[k] = piece[last + 1:]
    return "".join(pieces)


@lru_cache(maxsize=65536)
def subject_key(subject: str) -> str:
    """A comparison key for a subject phrase: no quotes, enumerations (A、B和C等) or markers.
    Cached: comparisons look the same subjects up once per pair."""
    text = nfkc(str(subject))
    text = _drop_enumerations(text)
    text = re.sub(r"[“”\"'‘’《》〈〉<>()（）\s]", "", text)
    lex = lexicon()
    for marker in lex.total_markers + lex.subject_stopwords:
        text = text.replace(marker, "")
    for word, canonical in lex.subject_synonyms:
        text = text.replace(word, canonical)
    return text


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def subjects_match(a: str, b: str) -> bool:
    """True when two subject phrases name the same thing across years.

    Equal keys match; so does a key that is a character subsequence of the
    other when both end in the same three characters (the head noun), e.g.
    转办有效诉求件 (2018, after dropping 市民咨询、…等) and 转办市民有效诉求件 (2021).
    """
    ka, kb = subject_key(a), subject_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    return len(short) >= 4 and short[-3:] == long[-3:] and _is_subsequence(short, long)
