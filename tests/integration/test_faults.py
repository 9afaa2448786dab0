"""Killed and partial runs: ingest and build leave the complete old or the complete new state.

The matrices kill a real ingest or build (SIGKILL, in a child process) just
before a write point and check what a reader sees then, and after the next
complete run (see fault_helpers.py). They kill at a sample that holds every kind
of write point and every phase (``fault_helpers.sampled``; each test's docstring
says which points and why); GOVREPORT_FULL_KILL_MATRIX=1 kills at every write
point. The named tests pin the defects of issue 9:
1 partial ingest unpublishes pages, 2 a build killed mid-copy is never repaired,
3 every build crashes after a killed ingest, 4 a killed first ingest loads as
partial tables, 5 CSV files outside the manifest.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import govreport
from fault_helpers import (SEED_2018, SEED_2021, SEEDS, build_quietly, kill_matrix, make_root, processed_state,
                           published_state, selected, use_fake_notebooks, write_kind)
from govreport.store import IncompleteData

TABLE_FILES = 15 + 12 + 2 + 2 + 1  # every table as CSV (15, schemas.TABLES); reports placeholders findings facts
#   fact_series repetition repetition_passages timeliness failures duplicates data_dictionary reviews as one Parquet
#   (12); values and harmonized as one Parquet per year (2018, 2021); unmapped has no rows: one empty Parquet with
#   its columns
PART_SUFFIX = ".arrow"  # the per-report parts (content-hash cache, Arrow) are written first; no reader reads them
OLD_PAGES = ["changes.html", "methods.html", "yearly_report_2021.html"]  # methods and changelog: every build
SPEC = "all" if os.environ.get("GOVREPORT_FULL_KILL_MATRIX") == "1" else "sample"  # fault_helpers.kill_matrix


def _years(ids) -> list[int]:
    return sorted(int(i.rsplit("-", 1)[1]) for i in ids)


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """Reference runs: processed tables of the 2021 seed (old) and of both seeds (new)."""
    base = tmp_path_factory.mktemp("states")
    govreport.ingest([SEEDS / SEED_2021], base / "old")
    govreport.ingest([SEEDS / SEED_2021, SEEDS / SEED_2018], base / "new")
    old, new = processed_state(base / "old"), processed_state(base / "new")
    assert old[0] == new[0] == "ok" and _years(old[1]) == [2021] and _years(new[1]) == [2018, 2021]
    return {"base": base, "old": list(old), "new": list(new)}


@pytest.fixture()
def fake_notebooks(monkeypatch):
    use_fake_notebooks(monkeypatch.setattr)


def _visible(root: Path):
    """What a visitor of reports/ sees: the pages, the index rows, and that every link resolves."""
    import html
    import re

    index = (root / "reports" / "index.html").read_text(encoding="utf-8")
    from urllib.parse import unquote

    missing = [h for h in re.findall(r'href="([^"#]+)', index)
               if not (root / "reports" / unquote(html.unescape(h))).is_file()]
    pages = sorted(p.name for p in (root / "reports").glob("*.html") if p.name != "index.html")
    return pages, len(re.findall(r"<tr><td>\d{4}</td>", index)), missing


def _built(parent: Path, seeds=(SEED_2021,)) -> Path:
    root = make_root(parent, seeds)
    assert build_quietly(root) == 0
    return root


# ------------------------------------------------------------------ ingest at the sampled write points
def _by_n(rows) -> dict:
    return {r["n"]: r for r in rows}


def _killed_at_the_sample(kind: str, points: list, rows: list, spec: str = SPEC) -> None:
    """The matrix killed at the points ``selected`` names, and at least once at every kind of write point."""
    assert [r["n"] for r in rows] == selected(kind, points, spec)
    assert {write_kind(points[r["n"] - 1]) for r in rows} == {write_kind(label) for label in points}


def test_ingest_killed_at_each_kind_of_write_point_leaves_the_old_set_or_a_refusal_and_the_next_run_completes(
        states, tmp_path):
    """Ingest 2021+2018 into the store of 2021. Killed at: the part (nothing of the store written), the
    first table file (the old set untouched), the first CSV, the first and last per-year partition (the
    last: between the two years of one table), the empty table, the middle, the last Parquet and CSV and
    the manifest (every table new, the manifest old): ``fault_helpers.sampled``."""
    template = tmp_path / "processed"
    shutil.copytree(states["base"] / "old", template)
    points, rows = kill_matrix("ingest", template, tmp_path / "work", [SEEDS / SEED_2021, SEEDS / SEED_2018])
    assert points[-1] == "replace manifest.json"  # the manifest is written last
    parts = [n for n, label in enumerate(points, 1) if label.endswith(PART_SUFFIX)]
    assert parts == [1]  # the 2021 seed's part is reused; the 2018 one is new
    assert len(points) == 1 + TABLE_FILES + 1
    _killed_at_the_sample("ingest", points, rows)
    for r in rows:
        assert r["killed"], r
        assert r["after_kill"] == states["old"] or r["after_kill"][0] == "refused", r
        assert r["next_run"] == states["new"], r
    by_n = _by_n(rows)
    assert by_n[1]["after_kill"] == states["old"]  # killed before its first table write: the old set, untouched
    assert by_n[2]["after_kill"] == states["old"]  # killed just before the first table write: still the old set
    assert all(r["after_kill"][0] == "refused" for r in rows if r["n"] > 2)  # any new file: refused until a run
    #   completes


@pytest.mark.parametrize("cached", [True, False], ids=["kept-from-its-part", "kept-from-the-stored-tables"])
def test_an_additive_ingest_killed_at_each_kind_of_write_point_leaves_the_old_set_or_a_refusal_and_the_next_completes(
        states, tmp_path, cached):
    """Issue 16: ingest 2018 into the store of 2021 (additive: 2021 kept, from its cached part or, with no
    part, from the stored tables; when a kill has damaged those, read again from its unchanged file).
    The same sampled points as the ingest above; the per-year partitions and the last table files are
    where the kept 2021 rows are half old, half new."""
    template = tmp_path / "processed"
    shutil.copytree(states["base"] / "old", template)
    if not cached:
        shutil.rmtree(template / ".parts")
    points, rows = kill_matrix("ingest", template, tmp_path / "work", [SEEDS / SEED_2018])
    assert points[-1] == "replace manifest.json"
    assert points[0].endswith(PART_SUFFIX) and len(points) == 1 + TABLE_FILES + 1
    _killed_at_the_sample("ingest", points, rows)
    for r in rows:
        assert r["killed"], r
        assert r["after_kill"] == states["old"] or r["after_kill"][0] == "refused", r
        assert r["next_run"] == states["new"], r
    by_n = _by_n(rows)
    assert by_n[1]["after_kill"] == by_n[2]["after_kill"] == states["old"]
    assert all(r["after_kill"][0] == "refused" for r in rows if r["n"] > 2)


def test_first_ingest_killed_at_each_kind_of_write_point_is_refused_never_partial(states, tmp_path):
    """Defect 4: no manifest yet used to mean 'trust whatever is there'. Killed at both parts (nothing,
    then one part, written) and at the sampled table files and the manifest."""
    template = tmp_path / "processed"
    template.mkdir()
    points, rows = kill_matrix("ingest", template, tmp_path / "work", [SEEDS / SEED_2021, SEEDS / SEED_2018])
    assert [label.endswith(PART_SUFFIX) for label in points[:3]] == [True, True, False]  # two parts, then tables
    assert len(points) == 2 + TABLE_FILES + 1
    _killed_at_the_sample("ingest", points, rows)
    for r in rows:
        assert r["killed"] and r["after_kill"][0] == "refused", r
        assert r["next_run"] == states["new"], r
    first_table = next(n for n, label in enumerate(points, 1) if not label.endswith(PART_SUFFIX))
    for r in rows:
        if r["n"] <= first_table:  # no table file written yet
            assert r["after_kill"][1].endswith("no processed data (run `govreport ingest` first)"), r
        else:  # a table file written and no manifest
            assert r["after_kill"][1].endswith(
                "no manifest.json, so these tables are not known to be one complete ingest (a first ingest was "
                "interrupted?); run `govreport ingest` again"), r


# ------------------------------------------------------------------ build at the sampled write points
@pytest.fixture(scope="module")
def build_template(tmp_path_factory):
    """A project published from the 2021 seed, with the 2018 seed added to data/raw since."""
    parent = tmp_path_factory.mktemp("build")
    with pytest.MonkeyPatch.context() as mp:
        use_fake_notebooks(mp.setattr)
        root = _built(parent)
    shutil.copy2(SEEDS / SEED_2018, root / "data" / "raw" / SEED_2018)
    return root


BUILD_SPEC = f"{SPEC},replace values.csv"


@pytest.fixture(scope="module")
def build_matrix(build_template, tmp_path_factory):
    """The build killed at the sampled points and at both copies of values.csv (the store's, the published
    data's): one matrix read by the two tests below."""
    old_published = published_state(build_template)
    assert old_published == (OLD_PAGES, 1)
    return kill_matrix("build", build_template, tmp_path_factory.mktemp("build_matrix"),
                       points=BUILD_SPEC)


def test_build_killed_at_each_kind_of_write_point_keeps_the_old_record_and_the_next_build_completes_the_new(
        build_matrix, states):
    """Killed at the first, second, middle and last point of its ingest (the ingest matrices cover
    that phase), at each page, at the first, middle and last copy of the published data (and of each
    table kind), the workbook, the database, the licence, the data manifest, the build record, the index,
    the exchange of reports/, the removal of the old record and the last manifest (``sampled``)."""
    points, rows = build_matrix
    assert {"replace values.csv", "replace index.html", "replace manifest.json"} <= set(points)
    _killed_at_the_sample("build", points, rows, BUILD_SPEC)
    swap = next(n for n, label in enumerate(points, 1) if label in ("exchange reports", "rename reports"))
    assert swap in [r["n"] for r in rows] and swap + 1 in [r["n"] for r in rows]
    new_published = rows[0]["next_run"]["published"]
    for r in rows:
        n = r["n"]
        assert r["killed"], r
        published, processed = r["after_kill"]["published"], r["after_kill"]["processed"]
        # before the swap the old record, whole; after it the new one, whole. An atomic exchange
        # has no moment between; where two renames stand in, there is no reports/ between them
        # and the next start puts the old one back
        if n < swap or (n == swap and points[n - 1] == "exchange reports"):
            assert published == [OLD_PAGES, 1], r
        else:
            assert published == (None if n == swap else new_published), r
        assert processed in (states["old"], states["new"]) or processed[0] == "refused", r
        assert r["next_code"] == 0, r
        assert r["next_run"] == {"published": new_published, "processed": states["new"]}, r
    pages, rows_in_index = new_published
    assert rows_in_index == 2 and len(pages) == 5 and "yearly_report_2018.html" in pages


def test_a_build_killed_mid_copy_of_the_data_keeps_the_old_record_and_the_next_build_completes_it(build_matrix):
    """Defect 2: killed while copying reports/data, the old build left 8 of 24 data files and the
    next build said 'nothing to do'."""
    points, rows = build_matrix
    copies = [n for n, label in enumerate(points, 1) if label == "replace values.csv"]
    assert len(copies) == 2  # the first is ingest's own values.csv; the last is the published copy
    (row,) = [r for r in rows if r["n"] == copies[-1]]
    assert row["killed"]
    assert row["after_kill"]["published"] == [OLD_PAGES, 1], row  # whole: every link resolves, data = manifest
    assert row["next_code"] == 0
    assert row["next_run"]["published"][1] == 2 and len(row["next_run"]["published"][0]) == 5


# ------------------------------------------------------------------ the named defects, in process
def test_a_partial_ingest_into_data_processed_never_unpublishes_pages(tmp_path, fake_notebooks, capsys):
    """Defect 1: `govreport ingest ONE_FILE` into data/processed, then `govreport build`."""
    root = _built(tmp_path, seeds=(SEED_2021, SEED_2018))
    before = _visible(root)
    assert before[1] == 2 and len(before[0]) == 5 and before[2] == []
    govreport.ingest([root / "data" / "raw" / SEED_2021], root / "data" / "processed", replace=True)  # one of two
    from publish_helpers import run_build

    result = run_build(root)
    assert result.code == 0, result.output
    assert "was not ingested from the current" in result.output and "ingest: 2 raw file(s)" in result.output
    assert "removed stale pages" not in result.output
    assert _visible(root) == before
    assert published_state(root) == (before[0], 2)
    assert _years(govreport.load(root / "data" / "processed").reports["report_id"]) == [2018, 2021]
    again = run_build(root)
    assert "up to date, nothing to do (3 pages unchanged" in again.output


def test_build_after_an_interrupted_ingest_ingests_again_instead_of_crashing(tmp_path, fake_notebooks, monkeypatch):
    """Defect 3: after a killed ingest every build raised IncompleteData until --force."""
    root = _built(tmp_path, seeds=(SEED_2021, SEED_2018))
    real = os.replace

    def interrupted(src, dst, *args, **kwargs):  # Ctrl-C while the new tables are renamed into place
        if Path(dst).parent.parent.name == "values":  # reports and the tables before values are new already
            raise KeyboardInterrupt
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        govreport.ingest([root / "data" / "raw" / SEED_2021], root / "data" / "processed", replace=True)
    monkeypatch.setattr(os, "replace", real)
    with pytest.raises(IncompleteData):
        govreport.load(root / "data" / "processed")
    from publish_helpers import run_build

    result = run_build(root)
    assert result.code == 0, result.output
    assert "ingest: processed tables cannot be used (" in result.output
    assert ".parquet is not the one the last complete ingest wrote" in result.output
    assert _years(govreport.load(root / "data" / "processed").reports["report_id"]) == [2018, 2021]
    assert published_state(root)[1] == 2


def test_the_manifest_covers_every_csv_and_a_csv_of_another_run_is_refused(states, tmp_path):
    """Defect 5: after a kill, reports.csv was new while values.csv was old, and load() could not tell."""
    folder = tmp_path / "p"
    shutil.copytree(states["base"] / "new", folder)
    shutil.copy2(states["base"] / "old" / "reports.csv", folder / "reports.csv")  # one CSV of the other run
    with pytest.raises(IncompleteData, match=r"reports\.csv is not the one the last complete ingest wrote"):
        govreport.load(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.suffix in (".csv", ".parquet") and ".parts" not in p.parts}
    assert set(manifest["files"]) == on_disk and len(on_disk) == TABLE_FILES
    assert [s["path"] for s in manifest["sources"]] == [SEED_2018, SEED_2021]


def test_a_damaged_published_record_is_repaired_by_the_next_build(tmp_path, fake_notebooks):
    root = _built(tmp_path, seeds=(SEED_2021, SEED_2018))
    whole = _visible(root)
    (root / "reports" / "data" / "values.csv").unlink()
    (root / "reports" / "yearly_report_2018.html").write_text("tampered", encoding="utf-8")
    from publish_helpers import run_build

    result = run_build(root)
    assert result.code == 0 and "nothing to do" not in result.output, result.output
    assert "1 built, 2 unchanged" in result.output  # only the damaged page is rebuilt
    assert _visible(root) == whole and whole[2] == []
    assert published_state(root) == (whole[0], 2)
    assert "tampered" not in (root / "reports" / "yearly_report_2018.html").read_text(encoding="utf-8")


def test_load_refuses_tables_without_a_valid_manifest_in_one_line(states, tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(states["base"] / "new", folder)
    (folder / "manifest.json").write_text(json.dumps({"tables": {}}), encoding="utf-8")  # an older format
    with pytest.raises(IncompleteData) as err:
        govreport.load(folder)
    assert str(err.value) == f"{folder}: manifest.json is from an older govreport or damaged; run `govreport ingest` again"
    (folder / "manifest.json").unlink()
    with pytest.raises(IncompleteData, match="no manifest.json"):
        govreport.load(folder)
    from govreport.store import seal

    seal(folder)  # hand-edited tables, recorded as one set on purpose
    assert processed_state(folder) == tuple(states["new"])
    with pytest.raises(FileNotFoundError, match=r"no processed data \(run `govreport ingest` first\)"):
        govreport.load(tmp_path / "nothing")


# ------------------------------------------------------------------ publishing leftovers and the lock
def test_leftovers_of_a_killed_swap_are_repaired_before_anything_else(tmp_path):
    from govreport.publish.staging import recover

    target = tmp_path / "reports"
    (tmp_path / "reports.old-11").mkdir()
    (tmp_path / "reports.old-11" / "index.html").write_text("old", encoding="utf-8")
    (tmp_path / "reports.new-12").mkdir()  # incomplete: no index yet
    done = recover(target)
    assert (target / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    assert done[0] == "restored reports/ from reports.old-11 (a build was killed while publishing)"
    (tmp_path / "reports.new-13").mkdir()
    assert recover(target) == ["removed reports.new-13 (left by a killed build)"]


@pytest.mark.parametrize("exchange", [True, False], ids=["atomic-exchange", "two-renames"])
def test_swap_publishes_the_new_folder_and_leaves_no_sibling(tmp_path, monkeypatch, exchange):
    from govreport.publish import staging as publish
    if not exchange:
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    target = tmp_path / "reports"
    for folder, text in ((target, "old"), (publish.staging_dir(target), "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text, encoding="utf-8")
    publish.swap(publish.staging_dir(target), target)
    assert (target / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_a_second_build_on_the_same_project_is_refused_in_one_line(tmp_path, fake_notebooks):
    import fcntl

    root = make_root(tmp_path)
    from publish_helpers import run_build

    with open(root / ".govreport.lock", "w") as held:  # held by a process that wrote no holder line
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_build(root)
    assert result.code == 2
    assert result.output.strip() == (f"govreport build: {root}: another `govreport build` is at work on this project "
                                     "(holder unknown: it has only just started); run again when it ends, or pass "
                                     "--wait SECONDS to wait for it")
