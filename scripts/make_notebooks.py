"""Regenerate notebooks/yearly_report.ipynb and notebooks/comparison.ipynb.

The .ipynb files are the source of truth (committed without outputs); this
script only keeps their cells, tags and ids tidy. Run it after editing the
cell text below: ``python scripts/make_notebooks.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

YEARLY = [
    ("parameters", '''# Parameters (papermill). year: the reporting year; agency: an agency_id or name,
# None = every agency with a report that year; processed_dir: None = data/processed
# of the project; lang: "zh" (default) or "en".
year = 2021
agency = None
processed_dir = None
lang = "zh"'''),
    ("load", '''# All logic lives in the library: load the processed tables, compute each report's story.
import govreport
from govreport import narrative, paths

data = govreport.load(processed_dir if processed_dir is not None else paths.project_paths().processed)
stories = narrative.year_stories(data, year, agency, lang)
narrative.show(narrative.year_intro(data, year, agency, lang))'''),
    ("overview", 'narrative.show_sections(stories, "overview")'),
    ("proactive", '# What the agency published proactively.\nnarrative.show_sections(stories, "proactive")'),
    ("requests", '# Disclosure requests: how many arrived and how they ended.\nnarrative.show_sections(stories, "requests")'),
    ("review", '# Administrative review and litigation.\nnarrative.show_sections(stories, "review")'),
    ("other", 'narrative.show_sections(stories, "other")'),
    ("prose-facts", '''# Figures stated in the prose: totals with their parts, rates and their checks, each with
# the sentence it comes from; then prose against table figures and every prose figure.
narrative.show_sections(stories, "facts")'''),
    ("repetition", '''# 内容雷同: share of the prose repeated from the agency's previous-year report.
narrative.show_sections(stories, "repetition")'''),
    ("timeliness", '''# Publication date against the statutory deadline (an unknown date is unknown, not late).
narrative.show_sections(stories, "timeliness")'''),
    ("quality", '# Data quality: identity checks, derived values, unmapped numbers.\nnarrative.show_sections(stories, "quality")'),
]

COMPARISON = [
    ("parameters", '''# Parameters (papermill). agency: an agency_id (None = the first agency with two or
# more report years); years: a list of years, None = all available;
# processed_dir: None = data/processed of the project; lang: "zh" or "en".
agency = None
years = None
processed_dir = None
lang = "zh"'''),
    ("load", '''# Harmonized series of one agency across years; the logic lives in govreport.narrative.
import govreport
from govreport import narrative, paths

data = govreport.load(processed_dir if processed_dir is not None else paths.project_paths().processed)
agency_id = agency if agency is not None else narrative.agencies_with_years(data)[0]
story = narrative.comparison_story(data, agency_id, years, lang)
narrative.show(story.sections[0])'''),
    ("series", '''# One chart per group of series: exact points filled, approximate hollow, `none` left as a gap.
for section in story.sections[1:]:
    if section.key.startswith("group."):
        narrative.show(section)'''),
    ("prose-facts", '''# Prose figures whose subject phrases match across years, labelled with each year's wording.
narrative.show_sections([story], "facts")'''),
    ("repetition", '''# 内容雷同 by year: share of sentences repeated from the previous year's report.
narrative.show_sections([story], "repetition")'''),
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
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, cells in (("yearly_report.ipynb", YEARLY), ("comparison.ipynb", COMPARISON)):
        target = NOTEBOOKS / name
        nbformat.write(build(cells), str(target))
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
