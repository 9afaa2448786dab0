"""Per-report checks that turn values and facts into findings (each built by ``model.finding``).

``check_report`` is the check stage of ``pipeline.parse`` for the report's table: derived totals,
identity findings, the table's identities (identities.py; a sum over a table whose rows were not all placed
is "cannot tell", incomplete.py) and the sections the template prints (catalog/templates.csv).
The other checks: prose vs table (prose.py), timeliness (timeliness.py), repetition against the previous
year (repetition.py) and, over a batch, coverage against hand-checked values (coverage.py).
"""
from __future__ import annotations

from govreport import catalog
from govreport.checks.identities import Cells, check_identities, derive_totals
from govreport.checks.rereads import rereader
from govreport.identify import identity_findings
from govreport.model import finding


def check_report(rid: str, det, ex, doc=None) -> tuple[list[dict], list[dict], list[dict]]:
    """(values with derived totals added, the report's findings, the derived rows) for one report.

    ``det``: identify's Detection (template, identity findings); ``ex``: extract's Extraction (values,
    placeholders, unmapped, its own findings, sections found). ``ex.values`` itself is left as it was (but a
    figure read by OCR that a re-read corrects is corrected in its row). ``doc``: the Document, whose OCR'd
    cells a failing sum re-reads from its file."""
    values = list(ex.values)
    cells = Cells(values, ex.placeholders)  # the values by (metric, applicant), made once: derive keeps it in step
    derived = derive_totals(values, det.template, ex.placeholders, ex.unmapped, cells)
    findings = (identity_findings(rid, det) + list(ex.findings)
                + check_identities(rid, det.template, values, ex.placeholders, ex.unmapped,
                                   rereader(doc) if doc is not None else None, cells))
    missing = sorted(catalog.template_sections(det.template) - ex.sections_found)
    if missing:
        findings.append(finding(rid, "extract.sections", "fail",
                                evidence=f"table sections not found: {', '.join(missing)} (report truncated or "
                                         "laid out unusually)"))
    return values, findings, derived
