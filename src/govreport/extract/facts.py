"""Figures stated in the prose: every number+unit pair, the subject it counts, parts linked to wholes.

Much of what an agency did is only written in sentences ("共转办市民有效诉求件
4491 件，其中…，办结率 99.64%"). extract_facts reads every number+unit pair in the
prose of a Document into a ``facts`` table (one row per quantity, with the
subject phrase it counts, the sentence it came from and the table metric that
subject names), and links the parts of "共…，其中：A x件、B y件" lists to their
whole. checks/prose.py checks them; harmonize/facts.py follows them across years.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import pandas as pd

from govreport.extract.fact_lexicon import alternation, lexicon, table_metric
from govreport.extract.fact_numbers import Token, tokenize
from govreport.extract.sentences import bounded_sentences
from govreport.schemas import FACT_COLUMNS

# --------------------------------------------------------------------------- subjects

_OPEN = {")": "(", "）": "（", "”": "“", "》": "《", "’": "‘", "〉": "〈", ">": "<", "」": "「"}
_STRONG = set(",，。;；:：!！?？")
_QUOTE_OPEN = ("“", "《", "‘", "「", "〈")
_OPENING = re.compile("|".join(map(re.escape, _QUOTE_OPEN)))
_YEAR_PREFIX = re.compile(r"^\s*(?:\d{4}\s*年(?:度)?|本年度|今年)\s*")
_MASKS = "▒█"  # what _mask_quotes writes over guard words and quoted spans
# the last character before a position that _clause_start stops or turns at: strong punctuation, a closing bracket
# (skipped with its pair), an opening one
_LAST_STOP = re.compile("(?s:.*)[" + re.escape("".join(sorted(_STRONG | set(_OPEN) | {"(", "（"}))) + "]")


@lru_cache(maxsize=1)
def _maskable() -> re.Pattern:
    """A guard word or an opening quote, in one search: a text with neither is not masked."""
    return re.compile("|".join(map(re.escape, sorted(lexicon().guards, key=len, reverse=True) + list(_QUOTE_OPEN))))


def _mask_quotes(text: str) -> str:
    """Replace quoted/bracketed spans by █ so verbs inside titles are not seen,
    and words such as 公共/及时 by ▒ so their 共/及 are not read as markers."""
    if _maskable().search(text) is None:
        return text  # nothing to mask: no guard word, no opening quote (a closing one alone is kept)
    guards = list(alternation("guards").finditer(text))
    out = list(text)
    for m in guards:
        for k in range(m.start(), m.end()):
            out[k] = "▒"
    depth = []
    for i, ch in enumerate(text):
        if ch in _QUOTE_OPEN:
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
    punctuation or unmatched opening bracket, skipping balanced brackets.
    Read backwards from one character that can decide it to the next (_LAST_STOP), not character by character."""
    i = pos
    while (m := _LAST_STOP.match(text, floor, i)) is not None:
        k = m.end() - 1  # the last strong mark or bracket before i, at or after floor
        ch = text[k]
        if ch not in _OPEN:
            return k + 1  # strong punctuation or an opening bracket
        opener = _OPEN[ch]
        depth = 1
        j = k - 1
        while j >= floor and depth:
            if text[j] == ch:
                depth += 1
            elif text[j] == opener:
                depth -= 1
            j -= 1
        if depth:
            return floor
        i = j + 1  # on from text[j], before the balanced pair
    return floor


def _verb_positions(masked: str) -> list[tuple[int, str]]:
    """(start, verb) for verbs that are not inside a nominal phrase (信息公开, 发布会…)."""
    nominals = [m.span() for m in alternation("nominals").finditer(masked)]
    if not nominals:  # (most phrases: every verb counts)
        return [(m.start(), m.group()) for m in alternation("verbs").finditer(masked)]
    covered = [False] * len(masked)
    for start, end in nominals:
        for k in range(start, end):
            covered[k] = True
    found = []
    for m in alternation("verbs").finditer(masked):
        if not any(covered[k] for k in range(m.start(), m.end())):
            found.append((m.start(), m.group()))
    return found


def _strip_prefixes(text: str) -> tuple[str, bool]:
    """Remove leading time words and adverbs; report whether a total marker (共…) was seen."""
    lex = lexicon()
    total = False
    changed = True
    text = text.strip()
    quick = _any_prefix()
    while changed and text:
        changed = False
        if quick is not None and quick.match(text) is None:
            break  # (most phrases) no time word and no prefix: the two tests below would find none
        m = _YEAR_PREFIX.match(text)
        if m and m.end() > 0:
            text = text[m.end():].strip()
            changed = True
            continue
        m = _prefix_match(text)
        if m:
            p = m.group()
            if p in lex.total_markers:
                total = True
            text = text[len(p):].strip(" ,，:：、")
            changed = True
    return text, total


def _prefix_match(text: str):
    """The first of the prefixes (longest first) that the masked text starts with: one alternation tries them
    in order. Masking only writes ▒/█, which no prefix holds, so a text whose raw form starts with no prefix
    needs no masking (most do not: the mask is made only to confirm a raw match)."""
    prefixes = alternation("prefixes")
    if prefixes.match(text) is None and not _masks_in_prefixes():
        return None
    return prefixes.match(_mask_quotes(text))


@lru_cache(maxsize=1)
def _any_prefix() -> Optional[re.Pattern]:
    """A time word (_YEAR_PREFIX) or a raw prefix at the start, in one match; None when a prefix holds ▒/█ (it
    could then match the masked text only)."""
    if _masks_in_prefixes():
        return None
    return re.compile(f"(?:{_YEAR_PREFIX.pattern})|(?:{alternation('prefixes').pattern})")


@lru_cache(maxsize=1)
def _masks_in_prefixes() -> bool:
    return any(ch in word for word in lexicon().prefixes for ch in _MASKS)


@lru_cache(maxsize=1)
def _markers_seen_raw() -> bool:
    """Whether a marker found in a masked text stands in the raw one too: no marker holds ▒/█ (what masking
    writes) and none is empty."""
    return all(word and not any(ch in word for ch in _MASKS) for word in lexicon().total_markers)


def _remove_markers(text: str) -> tuple[str, bool]:
    """Drop 共/累计… inside the phrase (便民服务事项共受理 -> 便民服务事项受理). A phrase that holds no marker past
    its first character (most) is kept as it is, without masking it or finding its verbs: a marker found in the
    masked text stands at the same place in the raw one (_markers_seen_raw), and only a removal could make a new
    one."""
    lex = lexicon()
    if _markers_seen_raw() and alternation("total_markers").search(text, 1) is None:
        return text, False
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


def _subject_before(text: str, tok: Token, floor: int) -> tuple[str, bool]:
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
        if not text.endswith(lex.suffixes):  # no suffix ends it (most): the loop below would strip none
            break
        for suf in lex.suffixes:
            if text.endswith(suf) and len(text) > len(suf):
                total = total or suf in lex.total_markers
                text = text[: -len(suf)].rstrip()
                changed = True
                break
    return text, total


def _subject_after(text: str, tok: Token) -> str:
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


def _assign_subjects(text: str, tokens: list[Token]) -> None:
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

@lru_cache(maxsize=1)
def _dimensions() -> dict[str, str]:
    """unit -> its dimension (fact_units.csv), built once, not per sentence."""
    lex = lexicon()
    return {u: lex.units[u].dimension for u in lex.units}


def _link_parts(text: str, tokens: list[Token]) -> None:
    """"共 M 件，其中：A x件、B y件…" -> the x, y… are parts of M."""
    if len(tokens) < 2:
        return  # a whole needs a part after it
    lex = lexicon()
    dims = _dimensions()
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


# --------------------------------------------------------------------------- public API

_FACT_NUMBER = re.compile(r"#f(\d+)$")


def fact_number(fact_id) -> int:
    """The reading-order number of a fact id (``r#f12`` -> 12; 0 for anything else)."""
    match = _FACT_NUMBER.search(str(fact_id))
    return int(match.group(1)) if match else 0


@dataclass(frozen=True)
class SentenceFact:
    """What a stored fact row leaves out, re-read from its sentence (checks/prose.py needs it)."""

    decimals: int       # digits printed after the decimal point
    total: bool         # announced as a total (共/累计…)
    enumeration: bool   # its parts form a 、-list (A x件、B y件)


def sentence_facts(sentence: str) -> list[SentenceFact]:
    """The facts of one sentence in reading order, as extract_facts reads them."""
    return _sentence_facts(sentence, _read_sentence(sentence))


def _sentence_facts(sentence: str, tokens: list[Token]) -> list[SentenceFact]:
    out = []
    for tok in tokens:
        gaps = [sentence[tokens[a].end:tokens[b].start] for a, b in zip(tok.parts, tok.parts[1:])]
        out.append(SentenceFact(tok.decimals, tok.total, bool(gaps) and all("、" in g for g in gaps)))
    return out


def _read_sentence(text: str) -> list[Token]:
    tokens = tokenize(text)
    if not tokens:  # (most sentences: nothing to assign or link)
        return tokens
    _assign_subjects(text, tokens)
    _link_parts(text, tokens)
    return tokens


@dataclass
class ProseFacts:
    """The prose's facts in plain Python (issue 16: no pandas per report): ``rows`` as the facts table's rows
    (FACT_COLUMNS, pd.NA where blank), ``notes`` the findings of the prose left out (extract/sentences.py),
    ``readings`` each stored sentence's SentenceFacts as this one pass read them (``sentence_facts`` of that
    sentence: checks/prose.py need not read it again)."""

    rows: list[dict]
    notes: list[dict]
    readings: dict[str, list[SentenceFact]]


def prose_facts(report_id: str, document) -> ProseFacts:
    """One row per quantity stated in the prose of ``document``, and what checks/prose.py needs of them.

    Work is bounded per report (extract/sentences.py): each cut leaves a ``prose.truncated``
    or ``prose.budget`` finding in ``notes``."""
    lex = lexicon()
    rows, notes, readings = [], [], {}
    n = 0
    for section, text in bounded_sentences(report_id, document, notes):
        tokens = _read_sentence(text)
        if not tokens:
            continue
        ids = [f"{report_id}#f{n + k}" for k in range(1, len(tokens) + 1)]
        n += len(tokens)
        stored = text.strip()
        if stored == text:  # (a stripped sentence might read otherwise: the checks read it again)
            readings.setdefault(stored, _sentence_facts(text, tokens))
        for tok, fid in zip(tokens, ids):
            role = "rate" if lex.units[tok.unit].dimension == "percent" else tok.role
            rows.append({
                "report_id": report_id, "fact_id": fid, "section": section, "subject": tok.subject,
                "value": float(tok.value), "unit": tok.unit, "sentence": stored,
                "parent_fact_id": ids[tok.parent] if tok.parent is not None else pd.NA, "role": role,
                "table_metric": _metric_or_na(tok.subject) if role not in ("part", "rate") else pd.NA,
            })
    return ProseFacts(rows, notes, readings)


def extract_facts(report_id: str, document) -> pd.DataFrame:
    """``prose_facts`` as a table (columns FACT_COLUMNS); the notes of the prose it had to cut in
    ``attrs["findings"]``, which check_facts returns."""
    read = prose_facts(report_id, document)
    df = pd.DataFrame(read.rows, columns=FACT_COLUMNS)
    if df["value"].dtype != "float64":  # (an empty frame; astype of a float64 column only costs a copy)
        df = df.astype({"value": "float64"})
    df.attrs["findings"] = read.notes
    return df


def _metric_or_na(subject: str):
    """The table metric a whole or single figure reports (parts and rates are never set against a table)."""
    metric = table_metric(subject)
    return pd.NA if metric is None else metric
