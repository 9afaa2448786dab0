"""Regenerate notebooks/yearly_report.ipynb and notebooks/comparison.ipynb (and the shipped copies in
src/govreport/notebooks, which tests/test_publish_portable.py keeps identical).

The .ipynb files are the source of truth (committed without outputs); this
script only keeps their cells, tags and ids tidy. Run it after editing the
cell text below: ``python scripts/make_notebooks.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PACKAGED = ROOT / "src" / "govreport" / "notebooks"  # the shipped copies, identical to notebooks/

YEARLY = [
    ("parameters", '''# Parameters (papermill; README "Running the notebooks"). year: the reporting year; agency: an
# agency_id, a written name or an alias, None = every agency with a report that year; processed_dir:
# None = data/processed of the project (GOVREPORT_ROOT or the current folder); lang: "zh" or "en".
year = 2021
agency = None
processed_dir = None
lang = "zh"'''),
    ("check", '''# Check the parameters (govreport.report.params): a mistake stops here in one line. year may be 2024 or
# "2024"; processed_dir None = the project found from GOVREPORT_ROOT or the current folder, as the CLI does.
from govreport.report import params

checked = params.yearly(year=year, agency=agency, processed_dir=processed_dir, lang=lang)
year, agency, processed_dir, lang = checked.year, checked.agency, checked.processed_dir, checked.lang'''),
    ("load", '''# All logic lives in the library (govreport.report): load the processed tables, compute each report's story.
# A year or agency without a report stops the run with a clear message instead of publishing an empty page;
# agency may be any name of it (a name of no agency, or no report of it that year: one line naming what is known).
import govreport
from govreport import report

data = govreport.load(processed_dir)
if agency is not None:
    params.resolve_agency(data, agency, [year])
stories = report.year_stories(data, year, agency, lang)
if not stories:
    raise ValueError(report.term("year.none", lang, year=year, agency_note=f" ({agency})" if agency else "")
                     + f" [year={year!r}, agency={agency!r}]")'''),
    ("intro", '''# Page heading, link to the index, table of contents; with several agencies, a ranking on the main shares.
report.show(report.year_intro(data, year, agency, lang))
report.show_links(report.index_link(lang))
report.show_toc(stories, lang)
ranking = report.ranking_section(data, year, lang) if agency is None else None
if ranking is not None:
    report.show(ranking)'''),
    ("stories", '''# One agency at a time, every section together: key figures, tables, prose figures, repetition,
# timeliness, the report's own arithmetic, prose vs table, parse quality, data table, methods note.
for story in stories:
    report.show_story(story)'''),
]

COMPARISON = [
    ("parameters", '''# Parameters (papermill; README "Running the notebooks"). agency: an agency_id, a written name or
# an alias (None = the first agency with two or more report years); years: [2023, 2024], "2023,2024"
# or None = all available; processed_dir: None = data/processed of the project (GOVREPORT_ROOT or the
# current folder); lang: "zh" or "en".
agency = None
years = None
processed_dir = None
lang = "zh"'''),
    ("check", '''# Check the parameters (govreport.report.params): a mistake stops here in one line. years may be
# [2023, 2024], "[2023, 2024]" or "2023,2024"; processed_dir None = the project found from GOVREPORT_ROOT or
# the current folder, as the CLI does.
from govreport.report import params

checked = params.comparison(agency=agency, years=years, processed_dir=processed_dir, lang=lang)
agency, years, processed_dir, lang = checked.agency, checked.years, checked.processed_dir, checked.lang'''),
    ("load", '''# Harmonized series of one agency across years; the logic lives in govreport.report.
# A name of no agency (or of two), a year without its report, or no agency with two report years
# stops the run with a one-line message naming the closest agencies or the years there are.
import govreport
from govreport import report

data = govreport.load(processed_dir)
candidates = report.agencies_with_years(data)
if agency is None and not candidates:
    raise params.ParameterError("agency: no agency has reports for two or more years: nothing to compare")
agency_id = params.resolve_agency(data, agency, years) if agency is not None else candidates[0]
if report.comparison_frame(data, agency_id, years).empty:
    raise ValueError(f"no harmonized data for agency {agency_id!r} (years={years!r})")
story = report.comparison_story(data, agency_id, years, lang)
report.show(story.sections[0])
report.show_toc([story], lang)'''),
    ("series", '''# One chart per group of series: exact points filled, approximate hollow, not comparable left as a gap,
# missing years shaded, % change on each segment, a printed total contradicted by its parts ringed in red.
for section in story.sections[1:]:
    if section.key.startswith("group."):
        report.show(section)'''),
    ("prose-facts", '''# Prose figures whose subject phrases match across years, labelled with each year's wording.
report.show(story.section("facts"))'''),
    ("repetition", '''# 内容雷同 by year: share of sentences repeated from the previous year's report.
report.show(story.section("repetition"))'''),
]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for key, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.id = key
        if key == "parameters":
            cell.metadata["tags"] = ["parameters"]
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def main() -> int:
    for folder in (NOTEBOOKS, PACKAGED):
        folder.mkdir(exist_ok=True)
        for name, cells in (("yearly_report.ipynb", YEARLY), ("comparison.ipynb", COMPARISON)):
            target = folder / name
            nbformat.write(build(cells), str(target))
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
