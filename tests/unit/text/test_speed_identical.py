"""Issue 16's per-report speed-ups give the answers of the code they replace: the regex prefilter, the port of
difflib's ratio, the memoized cell grammar and the column-wise rebuilding of the facts and findings tables."""
from __future__ import annotations

import random
import re
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd
import pytest

from govreport import catalog
from govreport.extract import fuzzy
from govreport.identify.titles import _title_forms, match_title
from govreport.records import _retyped
from govreport.schemas import frame
from govreport.text import normalize
from govreport.text.prefilter import may_match, required_chars

REPO = Path(__file__).resolve().parents[3]
REPORT = REPO / "data" / "raw" / "hongze_district_gov_2024.txt"


def test_required_chars_by_hand():
    assert required_chars(re.compile(r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:报告|年报)")) == frozenset("公开报")
    assert required_chars(re.compile(r"a(?i:b)c+d?")) == frozenset("ac")  # b may be B; d is optional
    assert required_chars(re.compile(r"收到", re.IGNORECASE)) == frozenset()  # unsure: no prefilter
    assert required_chars(re.compile(r"x{0,3}[ab]y{2}")) == frozenset("y")


def test_prefilter_never_skips_a_line_a_title_form_matches():
    lines = [ln for ln in REPORT.read_text(encoding="utf-8").splitlines() if ln.strip()][:80]
    texts = lines + [a + b for a, b in zip(lines, lines[1:])] + ["淮安市洪泽区人民政府2024年政府信息公开工作年度报告"]
    skipped = 0
    for form in _title_forms():
        for text in texts:
            if not may_match(form, text):
                skipped += 1
                assert form.search(text) is None
    assert skipped > len(texts)  # the prefilter does skip work
    assert match_title("淮安市洪泽区人民政府2024年政府信息公开工作年度报告") == (2024, "淮安市洪泽区人民政府")


def test_matched_is_difflib_ratio():
    metrics = catalog.metrics()
    forms = sorted({f for e in catalog.label_entries() if e.pattern != "*"
                    for f in fuzzy.literal_forms(e.pattern, metrics[e.metric].name_zh)})
    rng = random.Random(7)
    pairs = [(a, b) for a in forms[::9] for b in forms[::13]]
    pairs += [("".join(rng.choice("申请公开不予其他") for _ in range(rng.randint(1, 25))),
               "".join(rng.choice("申请公开处理答复") for _ in range(rng.randint(1, 25)))) for _ in range(2000)]
    pairs += [("abab" * 5, "baba" * 4), ("aaaa", "aa"), ("abcabc", "cbacba")]
    for a, b in pairs:
        assert fuzzy.similarity.__wrapped__(a, b) == SequenceMatcher(None, a, b, autojunk=False).ratio(), (a, b)
    assert fuzzy.similarity.__wrapped__("本年新收申请", "本年新收政府信息公开申请") == 2 * 6 / 18  # 本年新收 + 申请


def test_memoized_cell_grammar_equals_the_plain_reading():
    tokens = ["1,234", "550（含转办3）", "约550", "21①", "二十一", "增3", "/", "—", "", " 12 ,345", "0万万元", "1.2万",
              "收到", "5,50", "12%"]
    for token in tokens * 2:  # the second pass reads the memo
        assert normalize.parse_cell(token) == normalize._parse_cell(token)
        assert normalize.parse_cell(token, "ambiguous") == normalize._parse_cell(token, "ambiguous")
    assert normalize.parse_cell("1,234").value == 1234.0 and normalize.parse_cell("收到") is None


@pytest.fixture(scope="module")
def parsed():
    import govreport
    return govreport.parse(REPORT)


def test_retyped_equals_frame_of_records(parsed):
    facts, findings = parsed.facts, parsed.findings
    assert len(facts) == 5 and len(findings) > 5
    pd.testing.assert_frame_equal(_retyped("facts", [facts]), frame("facts", facts.to_dict("records")), check_exact=True)
    half = len(findings) // 2
    parts = [findings.iloc[:half].reset_index(drop=True), findings.iloc[half:].reset_index(drop=True)]
    pd.testing.assert_frame_equal(_retyped("findings", parts),
                                  frame("findings", parts[0].to_dict("records") + parts[1].to_dict("records")),
                                  check_exact=True)
    loose = facts.astype(object)  # columns without the registry's dtypes are converted from their values
    pd.testing.assert_frame_equal(_retyped("facts", [loose]), frame("facts", loose.to_dict("records")), check_exact=True)
    assert _retyped("findings", [findings.iloc[:0]]).empty
