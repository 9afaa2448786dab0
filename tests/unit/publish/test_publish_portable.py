"""Works from any folder, one file per agency, incremental by page, English beside Chinese (issue 10).

Old behaviour each test guards against: ``build --root MYDIR`` with only data/raw
ended in FileNotFoundError for notebooks/yearly_report.ipynb; ``ingest`` in a folder
with its own data/raw read the checkout's; ``load()`` from notebooks/ said "run
govreport ingest first"; agency ids that slug alike overwrote each other's page;
adding one report re-ran every page; ``--lang en`` overwrote the Chinese site.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fault_helpers import use_fake_notebooks
from publish_helpers import REPO, SEEDS, built_bilingual, built_seed_project, run_build

PACKAGED = REPO / "src" / "govreport" / "publish" / "notebooks"


def _bare_project(parent: Path, names=SEEDS) -> Path:
    """A project folder holding only data/raw (no notebooks/)."""
    root = Path(parent) / "bare"
    (root / "data" / "raw").mkdir(parents=True)
    for name in names:
        shutil.copy2(REPO / "data" / "raw" / name, root / "data" / "raw" / name)
    return root


# ---- the project root -------------------------------------------------------

def test_the_root_is_the_folder_the_user_stands_in_not_the_checkout(tmp_path, monkeypatch):
    from govreport.paths import RootNotFound, find_root

    monkeypatch.delenv("GOVREPORT_ROOT", raising=False)
    root = _bare_project(tmp_path)
    (root / "notebooks").mkdir()
    monkeypatch.chdir(root / "notebooks")
    assert find_root() == root                       # found upwards from a subfolder
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RootNotFound, match=r"no data/raw here or in a parent folder"):
        find_root()                                  # never silently the checkout


def test_ingest_in_a_folder_with_its_own_raw_reads_that_raw(tmp_path, monkeypatch):
    from govreport.cli import main

    monkeypatch.delenv("GOVREPORT_ROOT", raising=False)
    root = _bare_project(tmp_path, names=SEEDS[:1])
    monkeypatch.chdir(root)
    assert main(["ingest", "--quiet"]) == 0
    reports = pd.read_csv(root / "data" / "processed" / "reports.csv")
    assert list(reports["year"]) == [2018]           # its one seed, not the checkout's five reports


def test_load_without_arguments_finds_the_project_from_a_subfolder(tmp_path, monkeypatch):
    import govreport

    monkeypatch.delenv("GOVREPORT_ROOT", raising=False)
    root = _bare_project(tmp_path, names=SEEDS[:1])
    govreport.ingest([root / "data" / "raw"], root / "data" / "processed")
    (root / "notebooks").mkdir()
    monkeypatch.chdir(root / "notebooks")
    assert list(govreport.load().reports["year"]) == [2018]


# ---- the notebooks ship in the package -------------------------------------

def test_packaged_notebooks_copy_out_and_never_overwrite_an_analysts_copy(tmp_path, capsys):
    from govreport.cli import main
    from govreport.paths import packaged_notebooks

    assert packaged_notebooks() == PACKAGED
    names = sorted(p.name for p in PACKAGED.glob("*.ipynb"))
    assert names == ["comparison.ipynb", "yearly_report.ipynb"]
    assert main(["notebooks", "--copy", str(tmp_path / "mine")]) == 0
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == names
    assert all((tmp_path / "mine" / n).read_bytes() == (PACKAGED / n).read_bytes() for n in names)
    assert main(["notebooks", "--copy", str(tmp_path / "mine")]) == 1   # never overwrites an analyst's edits
    assert "exists (--overwrite replaces it)" in capsys.readouterr().err


def test_the_checkout_notebooks_folder_links_the_packaged_notebooks_and_holds_no_copy():
    """notebooks/ is the analyst's view of the checkout; its files are symlinks to the one copy, which ships."""
    folder = REPO / "notebooks"
    assert sorted(p.name for p in folder.iterdir()) == ["comparison.ipynb", "yearly_report.ipynb"]
    for link in folder.iterdir():
        assert link.is_symlink(), link
        assert not Path(os.readlink(link)).is_absolute()            # relative: the checkout may live anywhere
        assert link.resolve() == (PACKAGED / link.name).resolve()


def test_package_data_lists_the_notebooks():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    listed = re.search(r"\[tool\.setuptools\.package-data\]\s*govreport\s*=\s*\[([^\]]*)\]", text).group(1)
    assert '"publish/notebooks/*.ipynb"' in listed


# ---- a bare root, and English beside Chinese --------------------------------
# Both come from the session's shared builds (publish_helpers): the seed build's root holds only data/raw,
# and the bilingual build is a copy of it built with --lang en, then in Chinese again.

def test_build_with_only_raw_uses_the_packaged_notebooks():
    seed = built_seed_project()
    root, zh = seed.root, seed.first
    assert zh.code == 0, zh.output
    assert "FileNotFoundError" not in zh.output and not (root / "notebooks").exists()
    assert (root / "reports" / "yearly_report_2018.html").is_file()


def test_lang_en_goes_to_reports_en_and_leaves_the_chinese_site():
    both = built_bilingual()
    root, en, zh_pages, after = both.root, both.english, both.before_english, both.after_english
    assert en.code == 0, en.output
    assert {name: data for name, data in after.items() if "/" not in name and name.endswith(".html")} == zh_pages
    assert {name[3:] for name in after if re.fullmatch(r"en/[^/]+\.html", name)} == set(zh_pages)
    assert '<html lang="en">' in after["en/index.html"].decode("utf-8")
    assert 'href="../index.html"' in after["en/index.html"].decode("utf-8")
    assert "en/build_record.json" in after and f"en/sources/{SEEDS[0]}" in after
    again = both.chinese  # the Chinese index then links the English site, and keeps reports/en/
    assert again.code == 0, again.output
    assert 'href="en/index.html"' in (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert (root / "reports" / "en" / "index.html").is_file()


# ---- one file per agency id -------------------------------------------------

def test_agency_ids_that_slug_alike_get_distinct_page_names():
    """Old: comparison_a-b.html for both a/b and a-b, one overwriting the other. Now every name is a
    readable prefix plus a hash of the exact id (issue 17): it depends on the id alone, not on the other ids."""
    from govreport.report.links import comparison_page

    names = [comparison_page(i) for i in ["a/b", "a-b", "a b"]]
    assert len(set(names)) == 3
    assert all(re.fullmatch(r"comparison_a-b-[0-9a-f]{10}\.html", n) for n in names)
    assert comparison_page("中卫市/沙坡头区政务服务中心") == "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html"


# ---- incremental by page ----------------------------------------------------

def test_adding_one_report_rebuilds_only_the_pages_that_show_it(tmp_path, monkeypatch):
    """Old: every page's key hashed all raw files, so one new report re-ran every page.

    Adding 洪泽区 2023 beside 洪泽区 2024 and the 沙坡头区 seeds rebuilds the 2023 page (new),
    洪泽区's comparison (new) and the 2024 page (洪泽区's section now has last year's change and a
    link to 2023), plus the index; the 沙坡头区 pages (2018, 2021, its comparison) are reused.
    What is under test is each page's key, so the notebook step is the stand-in of fault_helpers (a small page
    written through the real page writer, no kernel); the real notebooks are run by the seed build.
    """
    import govreport.publish.build as build

    monkeypatch.setattr(build, "library_fingerprint", lambda: "pinned")  # others may edit the library meanwhile
    use_fake_notebooks(monkeypatch.setattr)
    root = _bare_project(tmp_path, names=SEEDS + ("hongze_district_gov_2024.txt",))
    first = run_build(root)  # one job: stand-in pages need no second process (spawning one costs ~4 CPU-s)
    assert first.code == 0, first.output
    before = {p.name: p.stat().st_mtime_ns for p in (root / "reports").glob("*.html")}
    shutil.copy2(REPO / "data" / "raw" / "hongze_district_gov_2023.txt", root / "data" / "raw")
    second = run_build(root)
    assert second.code == 0, second.output
    rebuilt = sorted(re.findall(r"done (\S+) in", second.output))
    assert rebuilt == ["comparison_淮安市-洪泽区人民政府-de36557a7f", "yearly_report_2023", "yearly_report_2024"]
    assert "3 built, 3 unchanged" in second.output
    after = {p.name: p.stat().st_mtime_ns for p in (root / "reports").glob("*.html")}
    for page in ("yearly_report_2018.html", "yearly_report_2021.html", "comparison_中卫市-沙坡头区政务服务中心-99cdf39be4.html"):
        assert after[page] == before[page], page
