"""Issue 16's per-report speed-ups give the answers of the code they replace: the regex prefilter, the port of
difflib's ratio, the memoized cell grammar and a report's tables built from its rows (pandas for parse, Arrow for a part)."""
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


def test_a_stored_part_is_the_parse_frames_as_arrow_without_pandas(parsed):
    """The per-file ingest function builds each table from the report's rows straight into Arrow
    (schemas.arrow_table): the same columns, types and values as the part made from parse's frames."""
    import pyarrow as pa

    from govreport import pipeline
    from govreport.ingestion.parts import _ipc
    from govreport.records import TABLES
    from govreport.schemas import arrow_table
    part = pipeline.stored_part(REPORT, parsed.meta["sha256"])
    assert part.document is None and "source_file" not in part.meta and part.sentences == parsed.sentences
    for name in TABLES:
        table, via_pandas = getattr(part, name), pa.ipc.open_stream(_ipc(getattr(parsed, name))).read_all()
        assert isinstance(table, pa.Table) and table.schema.equals(via_pandas.schema) and table.equals(via_pandas), name
    row = [r for r in part.values.to_pylist() if r["metric"] == "art20.normative_docs.issued"][0]
    assert (row["applicant"], row["value"], row["unit"], row["match_score"]) == ("total", 3.0, "件", None)
    # values that are not plain values of their dtype: what pandas makes of them (a NaN is missing, 5 is '5')
    odd = [dict(report_id="r", fact_id="r#1", section="s", subject=5, value=2, unit=float("nan"), sentence="x",
                parent_fact_id=None, role="part", table_metric=None)]
    got, want = arrow_table("facts", odd), pa.Table.from_pandas(frame("facts", odd), preserve_index=False)
    assert got.column("subject").to_pylist() == ["5"] and got.column("unit").to_pylist() == [None]
    assert got.column("value").to_pylist() == [2.0] and got.to_pylist() == want.to_pylist()
    from datetime import date
    when = arrow_table("timeliness", [dict(report_id="r", published=date(2021, 1, 28), deadline=None, level="unknown",
                                           state="unknown", basis="b", basis_en="b", evidence="e")])
    assert when.column("published").to_pylist()[0].isoformat() == "2021-01-28T00:00:00"
    assert str(when.schema.field("published").type) == "timestamp[ns]" and when.column("deadline").null_count == 1


# ------------------------------------------------------------------ one-report parse, prose in one pass, loader
FUZZY = REPO / "tests" / "data" / "real" / "putian_ptkjj_2009.txt"  # 17 values, 2 fuzzy matches, 2 unmapped
PROSE = REPO / "data" / "raw" / "shapotou_gov_service_center_2018.txt"  # 40 facts: parts, rates, vs-table


def _cli_out(capsys, *argv) -> tuple[str, str]:
    from govreport import cli
    assert cli.main(["parse", *map(str, argv)]) == 0
    got = capsys.readouterr()
    return got.out, got.err


def test_parse_command_prints_what_pandas_prints(capsys):
    """`govreport parse` writes its CSV and JSON without pandas (issue 16): byte for byte what the values
    table's to_csv and to_json (read back, indent 1) gave."""
    import json

    import govreport
    rep = govreport.parse(FUZZY)
    csv_out, err = _cli_out(capsys, FUZZY)
    assert csv_out == rep.values.to_csv(index=False)
    assert err.strip() == "note: 2 number(s) not mapped to a metric (see `govreport ingest` unmapped table)"
    json_out, _ = _cli_out(capsys, FUZZY, "--format", "json")
    expected = json.loads(rep.values.to_json(orient="records", force_ascii=False))
    assert json_out == json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    scores = [r["match_score"] for r in json.loads(json_out) if r["provenance"] == "matched_fuzzy"]
    assert scores == [0.889, 0.9]
    from govreport.cli import _json_cell
    for x in (2 / 3, 8 / 9, 1e-11, 123456.123456789012):  # pandas' to_json writes floats to 10 decimals
        assert _json_cell(x) == json.loads(pd.Series([x]).to_json(orient="records"))[0]
    assert _json_cell(2 / 3) == 0.6666666667
    text_csv, _ = _cli_out(capsys, REPORT)
    assert ",art20.normative_docs.issued,total,3.0,件,行政规范性文件,reported,,," in text_csv


@pytest.fixture(scope="module")
def prose_report():
    import govreport
    return govreport.parse(PROSE)


def test_one_pass_prose_facts_and_checks_equal_the_table_path(prose_report):
    """prose_facts + check_prose (plain rows, sentences read once) give check_facts' findings and
    extract_facts' facts table, on a report with part lists, rates and figures set against the table."""
    from govreport.checks.prose import check_facts, check_prose, findings_table
    from govreport.extract.facts import extract_facts, prose_facts

    rid, doc, values = prose_report.report_id, prose_report.document, prose_report.values
    old_facts = extract_facts(rid, doc)
    read = prose_facts(rid, doc)
    assert len(read.rows) == len(old_facts) == 40 and read.readings
    pd.testing.assert_frame_equal(frame("facts", read.rows), frame("facts", old_facts.to_dict("records")),
                                  check_exact=True)
    rows = values.to_dict("records")  # the values table's rows, as pipeline.parse passes the checked values
    new = findings_table(check_prose(rid, read, rows))
    old = check_facts(rid, old_facts, values)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert sorted(set(old["rule"].str.split(":").str[0])) == ["fact.part_whole", "fact.rate", "fact.vs_table"]
    pd.testing.assert_frame_equal(prose_report.facts, frame("facts", old_facts.to_dict("records")), check_exact=True)
    prose_part = prose_report.findings.iloc[len(prose_report.findings) - len(old):].reset_index(drop=True)
    pd.testing.assert_frame_equal(prose_part, frame("findings", old.to_dict("records")), check_exact=True)


def test_the_loaders_column_check_names_the_first_bad_line(tmp_path):
    """The catalog check runs column by column while every row is good; on a bad one it names the first bad
    line, as the row-by-row check did: a later bad whole number or short row does not hide an earlier row."""
    from govreport.errors import CatalogError
    head = "level,first_year,last_year,month,day,basis,basis_en\ngovernment,2008,2018,3,31,a,b\n"
    cases = [("cityx,2019,,3,31,a,b\ndepartment,2019,,March,31,a,b\n", 3, "level 'cityx' is not one of"),
             ("department,2019,,3,31,a,b\ndepartment,2020,,March,31,a,b\n", 4, "month 'March' is not a whole number"),
             ("cityx,2019,,3,31,a,b\ndepartment,2019\n", 3, "level 'cityx'"),
             ("department,2019,,3,31,a,b\ndepartment,2019\n", 4, "wrong number of fields")]
    for body, line, problem in cases:
        (tmp_path / "deadlines.csv").write_text(head + body, encoding="utf-8")
        with catalog.use_directory(tmp_path), pytest.raises(CatalogError) as info:
            catalog.read_csv("deadlines.csv")
        assert info.value.row == line and problem in str(info.value), (body, str(info.value))
    (tmp_path / "deadlines.csv").write_text(head + "\n" + "department,2019,,3,31,a,b\n", encoding="utf-8")
    with catalog.use_directory(tmp_path):
        assert [r["level"] for r in catalog.read_csv("deadlines.csv")] == ["government", "department"]
