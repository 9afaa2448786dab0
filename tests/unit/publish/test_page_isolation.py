"""A page never takes another down (issue 17, item 3).

Probes, each reproduced on the committed code before this change:
- a year's page that fails (an ``inf`` cell made matplotlib raise ``Axis limits cannot be NaN or Inf``)
  removed the page already published for that year and left broken links;
- agency ids that slug alike (甲/乙…, 甲·乙…, 甲-乙…) shared one in-page anchor, and so did two documents
  of one agency-year: index links landed on another report's section;
- a 300-character agency name (``<meta name=author>``) made a file name too long: every build exited 1;
- a right-to-left override (U+202E) in a raw file name was published in the yearly page,
  ``build_record.json`` and ``reports.csv``.

The notebook step is replaced by an in-process run of the same library calls the notebooks make
(``report.year_stories`` / ``report.comparison_story`` rendered by ``report.render``), charts left out:
what is under test is the page names, anchors, links and the publishing, not the kernel (the real
notebooks are built end to end in test_build.py). Inputs are the repository's seeds, renamed or
re-labelled in a temporary project.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

from fault_helpers import SEED_2018, SEED_2021, SEEDS, make_root, published_state

SEED_AGENCY = "沙坡头区政务服务中心"
RLO = "\u202e"


# ------------------------------------------------------------------ the notebook stand-in
def _page_body(job) -> str:
    from govreport import load, report

    parameters = job.parameters
    data = load(parameters["processed_dir"])
    lang = parameters["lang"]
    if parameters.get("year") is not None:
        stories = report.year_stories(data, parameters["year"], None, lang)
        intro = report.year_intro(data, parameters["year"], None, lang)
        head = report.section_html(intro) + report.toc_html(stories, lang)
    else:
        stories = [report.comparison_story(data, parameters["agency"], None, lang)]
        head = ""
    return head + "".join(report.render.story_heading_html(s) + "".join(report.section_html(x) for x in s.sections)
                          for s in stories)


def story_run_job(job, fail: tuple = ()):
    """What ``pages.run_job`` does, in process and without charts; never raises (a failure is a result).
    A job named in ``fail`` fails the way a notebook cell does (the inf probe's message)."""
    from govreport.publish import build
    from govreport.publish.execution import describe_parameters
    from govreport.publish.export import write_page
    if job.name in fail:
        label = f"{Path(job.notebook).name} ({describe_parameters(job.parameters)})"
        message = f"{label}: cell 3 raised ValueError: Axis limits cannot be NaN or Inf"
        return build.JobResult(job.name, False, 0.0, message)
    try:
        page = f"<!DOCTYPE html><html><body>{_page_body(job)}\n{job.footer}</body></html>\n"
        write_page(Path(job.html), page)
    except Exception as exc:  # as run_job: the export's error is the page's failure
        return build.JobResult(job.name, False, 0.0, f"export failed: {type(exc).__name__}: {exc}")
    return build.JobResult(job.name, True, 0.0)


def use_story_pages(monkeypatch, fail: tuple = ()) -> None:
    from govreport.publish import build, execution
    monkeypatch.setattr(build, "run_job", lambda job: story_run_job(job, fail))
    monkeypatch.setattr(execution, "preflight", lambda jupyter_dir: execution.Preflight(True, "test: in-process pages"))


def build_logged(root: Path, capsys) -> tuple[int, str]:
    from govreport.publish.build import add_build_arguments, run_build

    code = run_build(add_build_arguments(argparse.ArgumentParser()).parse_args(["--root", str(root)]))
    out = capsys.readouterr()
    return code, out.out + out.err


def relabel(seed: str, agency: str, target: Path) -> Path:
    """A seed report whose agency is ``agency`` (every mention of the seed's agency replaced)."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    target.write_text(text.replace("中卫市" + SEED_AGENCY, agency).replace(SEED_AGENCY, agency), encoding="utf-8")
    return target


def index_links(reports: Path) -> list[tuple[str, str]]:
    """(agency cell, report href) of each row of the index."""
    index = (reports / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>\d{4}</td><td>(.*?)</td>.*?</td><td>(.*?)</td></tr>", index)
    out = []
    for agency, links in rows:
        href = re.search(r'href="(yearly_report_[^"]+)"', links)
        out.append((html.unescape(agency), html.unescape(href.group(1)) if href else ""))
    return out


def section_at(reports: Path, href: str) -> str:
    """The heading and text of the story an ``page#anchor`` link lands on (up to the next story)."""
    page, anchor = href.split("#", 1)
    markup = (reports / unquote(page)).read_text(encoding="utf-8")
    matches = re.findall(rf'<h2 id="{re.escape(html.escape(anchor))}">', markup)
    assert len(matches) == 1, (href, len(matches))
    start = markup.index(f'<h2 id="{html.escape(anchor)}">')
    following = markup.find("<h2 id=", start + 1)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup[start: following if following > 0 else None]))


def all_links_land(reports: Path) -> None:
    """Every same-folder link of every page opens a page that is there, at an id it holds."""
    for page in reports.glob("*.html"):
        for target, fragment in re.findall(r'href="([^"#/:?]+\.html)(?:#([^"]*))?"', page.read_text(encoding="utf-8")):
            path = reports / unquote(html.unescape(target))
            assert path.is_file(), (page.name, target)
            if fragment:
                assert f'id="{fragment}"' in path.read_text(encoding="utf-8"), (page.name, target, fragment)


# ------------------------------------------------------------------ a failing page
def test_a_failing_page_keeps_the_page_already_published_and_leaves_no_broken_link(tmp_path, monkeypatch, capsys):
    """Old: the failed 2021 page was dropped from reports/, the index and the other pages still linked it."""
    root = make_root(tmp_path, seeds=(SEED_2018, SEED_2021))
    use_story_pages(monkeypatch)
    code, out = build_logged(root, capsys)
    assert code == 0, out
    reports = root / "reports"
    before = (reports / "yearly_report_2021.html").read_text(encoding="utf-8")

    # a second report for 2021 (another agency) arrives, and the 2021 page now fails
    relabel(SEED_2021, "甲乙政务服务中心", root / "data" / "raw" / "jiayi_2021.txt")
    use_story_pages(monkeypatch, fail=("yearly_report_2021",))
    code, out = build_logged(root, capsys)

    assert code == 1
    assert (reports / "yearly_report_2021.html").read_text(encoding="utf-8") == before
    all_links_land(reports)
    published_state(root)                                          # every index link resolves, data whole
    assert "yearly_report_2021.html failed" in out and "previously published version is kept" in out
    links = index_links(reports)
    shapotou_2021 = [h for a, h in links if a == SEED_AGENCY and "2021" in h]
    assert shapotou_2021 and section_at(reports, shapotou_2021[0]).strip().startswith(f"{SEED_AGENCY}（2021）")
    assert [h for a, h in links if a == "甲乙政务服务中心"] == [""]  # the kept page does not show it: no link
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'id="failed-pages"' in index and "yearly_report_2021.html" in index
    record = json.loads((reports / "build_record.json").read_text(encoding="utf-8"))
    assert record["pages"]["yearly_report_2021.html"]["kept_after_failure"] is True


def test_a_failing_page_with_no_earlier_version_is_listed_and_nothing_links_to_it(tmp_path, monkeypatch, capsys):
    root = make_root(tmp_path, seeds=(SEED_2018, SEED_2021))
    use_story_pages(monkeypatch, fail=("yearly_report_2021",))
    code, out = build_logged(root, capsys)

    reports = root / "reports"
    assert code == 1 and not (reports / "yearly_report_2021.html").exists()
    all_links_land(reports)                                        # 2018 and the comparison linked 2021
    assert "yearly_report_2021.html failed" in out
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert 'id="failed-pages"' in index and "yearly_report_2021.html" in index
    assert "yearly_report_2021.html#" not in index


# ------------------------------------------------------------------ one rule for names and anchors
ALIKE = ("甲/乙政务服务中心", "甲·乙政务服务中心", "甲-乙政务服务中心")   # each slugs to 甲-乙政务服务中心


def test_ids_that_slug_alike_get_their_own_page_and_their_own_anchor(tmp_path, monkeypatch, capsys):
    """Old: three pages, but one anchor agency-甲-乙政务服务中心: two of three index links landed on another
    agency's story."""
    root = make_root(tmp_path, seeds=())
    raw = root / "data" / "raw"
    for n, agency in enumerate(ALIKE):
        relabel(SEED_2018, agency, raw / f"a{n}_2018.txt")
        relabel(SEED_2021, agency, raw / f"a{n}_2021.txt")
    use_story_pages(monkeypatch)
    code, out = build_logged(root, capsys)
    assert code == 0, out
    reports = root / "reports"

    links = [(a, h) for a, h in index_links(reports) if a in ALIKE]
    assert len(links) == 6 and len({h for _, h in links}) == 6
    for agency, href in links:
        assert section_at(reports, href).strip().startswith(agency + "（"), (agency, href)
    comparisons = sorted(p.name for p in reports.glob("comparison_*.html"))
    assert len(comparisons) == 3
    titles = {re.search(r"<h2 id=\"[^\"]+\">(.*?)</h2>", (reports / c).read_text(encoding="utf-8")).group(1)
              for c in comparisons}
    assert len(titles) == 3 and all(any(a in t for a in ALIKE) for t in titles)
    all_links_land(reports)


def test_two_documents_of_one_agency_year_get_two_anchors(tmp_path, monkeypatch, capsys):
    """Old: both stories carried id=agency-…; the index's second link opened the first document."""
    root = make_root(tmp_path, seeds=(SEED_2021,))
    second = root / "data" / "raw" / "shapotou_2021_reissued.txt"
    second.write_text((SEEDS / SEED_2021).read_text(encoding="utf-8") + "\n（重新发布）\n", encoding="utf-8")
    use_story_pages(monkeypatch)
    code, out = build_logged(root, capsys)
    assert code == 0, out
    reports = root / "reports"

    hrefs = [h for a, h in index_links(reports) if a == SEED_AGENCY]
    assert len(hrefs) == 2 and hrefs[0] != hrefs[1]
    landed = [section_at(reports, h) for h in hrefs]
    # each story names its own source file in its overview ("来源文件：<name>。", catalog overview.line)
    files = sorted(re.search(r"来源文件：(\S+?)。", s).group(1) for s in landed)
    assert files == sorted([SEED_2021, second.name])


def test_the_slug_is_a_bounded_readable_prefix_and_a_hash_of_the_exact_id():
    from govreport.report.links import anchor_for, comparison_page, report_anchor, slug

    assert slug("甲/乙") != slug("甲?乙") != slug("甲-乙") != slug("甲/乙")
    assert re.fullmatch(r"甲-乙-[0-9a-f]{10}", slug("甲?乙"))
    assert anchor_for("甲/乙") == "agency-" + slug("甲/乙")
    assert report_anchor("甲/乙-2021") == "report-" + slug("甲/乙-2021")
    long_id = "中卫市/" + "第一分中心" * 60
    assert len(comparison_page(long_id).encode("utf-8")) < 255
    assert slug(long_id) != slug(long_id + "x")                     # same 40-character prefix, other hash


def _html_report(seed: str, agency: str, target: Path) -> None:
    """A seed report as a saved web page naming its agency only in ``<meta name=author>``."""
    text = (SEEDS / seed).read_text(encoding="utf-8").replace("中卫市" + SEED_AGENCY, "").replace(SEED_AGENCY, "")
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in text.splitlines())
    head = f'<meta charset="utf-8"><meta name="author" content="{html.escape(agency)}"><title>政府信息公开工作年度报告</title>'
    target.write_text(f"<html><head>{head}</head><body>{body}</body></html>", encoding="utf-8")


def test_a_300_character_agency_name_builds_with_bounded_file_names(tmp_path, monkeypatch, capsys):
    """Old: comparison_<303 characters>.html: OSError File name too long, every build exited 1."""
    agency = "中卫市沙坡头区" + "第一分中心" * 58 + "政务服务中心"             # 303 characters
    root = make_root(tmp_path, seeds=())
    _html_report(SEED_2018, agency, root / "data" / "raw" / "long_2018.html")
    _html_report(SEED_2021, agency, root / "data" / "raw" / "long_2021.html")
    use_story_pages(monkeypatch)
    code, out = build_logged(root, capsys)

    assert code == 0, out
    reports = root / "reports"
    comparisons = list(reports.glob("comparison_*.html"))
    assert len(comparisons) == 1 and len(comparisons[0].name.encode("utf-8")) < 255
    assert all(len(p.name.encode("utf-8")) <= 255 for p in reports.rglob("*"))
    all_links_land(reports)


# ------------------------------------------------------------------ no control character published
def test_a_right_to_left_override_in_a_file_name_is_never_published(tmp_path, monkeypatch, capsys):
    """Old: shapotou_<U+202E>txt.2021.txt appeared as is in the yearly page, build_record.json and reports.csv."""
    name = f"shapotou_{RLO}fdp.2021.txt"
    root = make_root(tmp_path, seeds=(SEED_2018,))
    shutil.copy2(SEEDS / SEED_2021, root / "data" / "raw" / name)
    use_story_pages(monkeypatch)
    code, out = build_logged(root, capsys)
    assert code == 0, out
    reports = root / "reports"

    published = [p for p in reports.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".csv")]
    for path in published:
        assert RLO not in path.read_text(encoding="utf-8"), path.relative_to(reports)
        assert RLO not in path.name
    assert "shapotou_fdp.2021.txt" in (reports / "yearly_report_2021.html").read_text(encoding="utf-8")
    assert "shapotou_fdp.2021.txt" in (reports / "data" / "reports.csv").read_text(encoding="utf-8")
    record = json.loads((reports / "build_record.json").read_text(encoding="utf-8"))
    assert "shapotou_fdp.2021.txt" in {i["path"] for i in record["inputs"]}
    # the published copy is there under the name the footer links
    assert (reports / "sources" / "shapotou_fdp.2021.txt").read_bytes() == (SEEDS / SEED_2021).read_bytes()
    all_links_land(reports)


def test_strip_controls_is_the_one_rule_for_published_strings():
    from govreport.errors import describe_path, strip_controls

    name = f"a{RLO}b\u200bc\nd\x1be"
    assert strip_controls(name) == "abc de"
    assert describe_path(name) == "a\\u202eb\\u200bc\\nd\\x1be"     # a message shows it; a page drops it
