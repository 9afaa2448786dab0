"""What a page says and shows, computed from the stored tables (no I/O, no parsing).

The notebooks stay thin: they call :func:`year_stories` / :func:`comparison_story`
and :func:`show_story`. Modules follow the page's sections:

- ``dataset``    the stored tables by name (a mistyped name is an error, never an empty table)
- ``headline``   the figures a reader asks first, with the change from last year; the yearly ranking
- ``tables``     each section's values, bar charts of them, the copyable data table
- ``facts``      figures stated in the prose
- ``findings``   the report's own arithmetic, prose vs table, parse quality, the methods note
- ``comparison`` one agency across years
- ``context``    repetition from last year, timeliness
- ``shares``     every percentage, with its denominator named
- ``wording``    every published word (catalog/narrative_*.csv), numbers with separators
- ``charts``     figures and their alt text; ``render`` HTML; ``model`` the records
"""
from __future__ import annotations

from govreport.report.access import (agencies_with_years, agency_reports, available_years, metric_names, previous_report,
                     reports_for_year, resolve_agency, template_changes)
from govreport.report.comparison import comparison_frame, comparison_story, contradictions, fact_series
from govreport.report.context import repeated_passages, repetition_limit
from govreport.report.dataset import Dataset, UnknownTable
from govreport.report.facts import prose_groups, report_facts
from govreport.report.findings import counts, evidence_sentence, finding_kind
from govreport.report.headline import headline, headline_figures, headline_section, ranking_section
from govreport.report.links import agency_links, anchor_for, comparison_page, index_link, report_anchor, slug, yearly_page
from govreport.report.model import Chart, Details, Links, Long, Quote, Section, Story, Table
from govreport.report.render import (block_html, cell_html, section_html, show, show_links, show_sections,
                     show_story, show_toc, story_html, table_html, toc_html)
from govreport.report.shares import Share, outcome_share, share
from govreport.report.wording import (LANGS, applicant_name, fmt_number, fmt_percent, quantity, rule_name,
                      series_name, template_name, term)
from govreport.report.yearly import report_story, year_intro, year_stories

__all__ = [
    "LANGS", "Chart", "Dataset", "Details", "Links", "Long", "agency_links", "comparison_page", "index_link", "report_anchor", "slug", "yearly_page", "Quote", "Section", "Share", "Story", "Table", "UnknownTable",
    "agencies_with_years", "agency_reports", "anchor_for", "applicant_name", "available_years", "block_html",
    "cell_html", "comparison_frame", "comparison_story", "contradictions", "counts", "evidence_sentence",
    "fact_series", "finding_kind", "fmt_number", "fmt_percent", "headline", "headline_figures", "headline_section",
    "metric_names", "outcome_share", "previous_report", "prose_groups", "quantity", "ranking_section",
    "repeated_passages", "repetition_limit", "report_facts", "report_story", "reports_for_year", "resolve_agency", "rule_name",
    "section_html", "series_name", "share", "show", "show_links", "show_sections",
    "show_story", "show_toc", "story_html", "table_html", "template_changes", "template_name", "term", "toc_html",
    "year_intro", "year_stories",
]
