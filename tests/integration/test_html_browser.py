"""The published pages in a real browser: headless Chromium loads them from disk, offline.

Chromium comes from Debian (scripts/ensure_chromium.sh installs it when absent);
the tests are skipped only when it cannot be installed, and say why.
Screenshots are kept under build/screenshots/ of the seed project for a human look
(or under $GOVREPORT_SCREENSHOTS when set). The English site is built into a copy of
the seed project (``--lang en`` -> reports/en/), so both languages are checked.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from publish_helpers import REPO, built_bilingual_project, built_seed_project

sys.path.insert(0, str(REPO / "scripts"))
import browser_check  # noqa: E402


@pytest.fixture(scope="module")
def chromium() -> str:
    found = browser_check.find_chromium()
    if found:
        return found
    result = subprocess.run(["bash", str(REPO / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True,
                            timeout=900)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["unknown reason"])[-1]
        print(f"chromium unavailable: {reason}")
        pytest.skip(f"chromium could not be installed: {reason}")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def build():
    result = built_seed_project()
    assert result.first.code == 0, result.first.output
    return result


def _distinct_colours(png: Path) -> int:
    from PIL import Image

    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    return len(colours) if colours is not None else 1 << 20


@pytest.mark.parametrize("page, expected", [
    ("index.html", "政府信息公开工作年度报告：数据与报告"),
    ("yearly_report_2018.html", "本年主动公开政府信息 45 条"),
    ("comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html", "沙坡头区政务服务中心：历年对比"),
])
def test_page_renders_offline_in_chromium_without_console_errors(chromium, build, page, expected):
    shots = build.root / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / (Path(page).stem + ".png")
    result = browser_check.check_page(build.root / "reports" / page, shot, chromium=chromium)
    print(f"screenshot: {shot}")
    assert result.console_errors == []
    assert result.exceptions == []
    assert result.external_requests == []          # nothing fetched from the network
    assert expected in result.text
    assert result.height > 300
    assert shot.stat().st_size > 10_000
    assert _distinct_colours(shot) > 50            # text and charts, not a blank page


def test_report_images_are_decoded_by_the_browser(chromium, build, tmp_path):
    """Every embedded chart decodes: naturalWidth > 0 for each <img>."""
    import asyncio  # noqa: F401  (browser_check drives asyncio itself)

    page = build.root / "reports" / "yearly_report_2018.html"
    probe = tmp_path / "probe.html"
    html = page.read_text(encoding="utf-8")
    # Append a probe that reports undecoded images as a console error, then load the copy.
    probe.write_text(html.replace("</body>", "<script>window.addEventListener('load', () => {"
                                  "for (const i of document.images) { if (!i.naturalWidth) console.error('image not decoded'); }"
                                  "});</script></body>"), encoding="utf-8")
    result = browser_check.check_page(probe, tmp_path / "probe.png", chromium=chromium)
    assert result.console_errors == []
    assert "image not decoded" not in " ".join(result.console_errors)


# ---- both languages: screenshots, no English on Chinese pages, links that resolve ----------

# Latin letters a Chinese page may carry: file formats, the hash name, the tool's name, the time zone.
ALLOWED_LATIN = {"govreport", "SHA", "CSV", "Parquet", "PDF", "JSON", "UTC"}
COMPARISON = "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html"


@pytest.fixture(scope="module")
def both_languages(build):
    """The seed project copied, with the English site built beside the Chinese one (shared with
    test_english_edition.py)."""
    return built_bilingual_project()


def _shots() -> Path:
    folder = Path(os.environ.get("GOVREPORT_SCREENSHOTS") or (built_seed_project().root / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang, page, expected", [
    ("zh", "index.html", "政府信息公开工作年度报告：数据与报告"),
    ("zh", "yearly_report_2021.html", "沙坡头区政务服务中心"),
    ("zh", COMPARISON, "沙坡头区政务服务中心：历年对比"),
    ("en", "index.html", "Government information disclosure annual reports"),
    ("en", "yearly_report_2021.html", "沙坡头区政务服务中心"),
    ("en", COMPARISON, "across years"),
    ("zh", "methods.html", "方法说明：各项核查的含义与数据来源"),
    ("en", "methods.html", "Methods: what each check means and where the data come from"),
])
def test_both_languages_in_chromium(chromium, both_languages, lang, page, expected):
    site = both_languages / "reports" / ("" if lang == "zh" else "en")
    shot = _shots() / f"{lang}_{Path(page).stem}.png"
    result = browser_check.check_page(site / page, shot, chromium=chromium)
    print(f"screenshot: {shot}")
    assert result.console_errors == [] and result.exceptions == []
    assert result.external_requests == []
    assert expected in result.text
    assert result.images_without_alt == 0
    broken = browser_check.broken_links(result.links)
    if page == "methods.html":   # the methods page cites the data licence and each source's web address (never fetched)
        broken = [link for link in broken if not link.startswith("https://")]
    assert broken == []
    assert any(link.endswith("/index.html") for link in result.links)        # a way back to the index
    if lang == "zh":
        # hashes and file names (the source documents' own names, the data files') are identifiers, not words
        prose = re.sub(r"\b[0-9a-f]{12,64}\b|[\w.-]+\.(?:txt|pdf|docx?|html?|md|csv|parquet|json)\b", " ",
                       result.prose)
        words = set(re.findall(r"[A-Za-z]{2,}", prose))
        assert words <= ALLOWED_LATIN, sorted(words - ALLOWED_LATIN)[:20]
    else:
        # the prose the browser shows, less elements marked lang="zh-CN" (the report's own words quoted as
        # such, the link to the Chinese edition): Chinese only as the agency's name beside its English form
        prose = re.sub(r"\((?:[\u3400-\u9fff]+/)?[\u3400-\u9fff]+\)", " ", result.prose)
        assert re.findall(r"[\u3400-\u9fff]+", prose) == []
    assert _distinct_colours(shot) > 50


def test_the_two_indexes_link_each_other(both_languages):
    zh = (both_languages / "reports" / "index.html").read_text(encoding="utf-8")
    en = (both_languages / "reports" / "en" / "index.html").read_text(encoding="utf-8")
    assert 'href="en/index.html"' in zh and 'href="../index.html"' in en
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
