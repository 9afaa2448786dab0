"""Which report is this: template, year, agency and agency_id, from the document's own words.

Identification never blocks extraction: the template comes from the table labels (identify.template), the
year from the title in any of its real forms (identify.titles) or the statistics period. The agency is the
one most sources name (identify.agency); a region written alone is its government and the level follows
from the name, and agency_id keeps same-named districts apart (govreport.text.agencies, shared with the
name resolver of load and sql). The agency is named as a title writes it; a name from elsewhere that is an
alias (catalog/agency_aliases.csv: a short name on a 来源 line) is published as its agency_id, so a scan
whose title OCR could not read names the agency as its text-layer copy does (the short name stays in the
agency_not_in_title finding). A report whose agency cannot be found is still read (agency ``unknown``,
with a finding); only a file with no recognisable table, or no year anywhere, is refused.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from govreport.errors import ReportError
from govreport.identify.agency import agency_candidates, agency_findings, choose_agency
from govreport.identify.template import detect_template, period_year, reporting_year
from govreport.identify.titles import document_text, read_title
from govreport.model import Document, finding
from govreport.text.agencies import agency_level, complete_agency_name, id_how, id_how_text, resolve_agency_id
from govreport.text.normalize import key_of_normalized

UNKNOWN_AGENCY = "unknown"


@dataclass(frozen=True)
class Identity:
    template: str
    year: int
    agency: str
    agency_id: str
    agency_source: str  # title / meta / sentence / signature / file_name / unknown
    agency_id_how: str  # a code of catalog/agency_id_how.csv
    template_scores: dict
    findings: tuple = field(default=())  # (rule, evidence) pairs about the identification itself
    agency_level: str = "unknown"  # government (本级政府) / department (catalog/report_levels.csv); unknown agency: unknown


def identify(doc: Document) -> Identity:
    """Template, year and agency of a report; raises ReportError only when it has no known table
    or no reporting year can be found anywhere."""
    text = document_text(doc)  # nfkc(doc.full_text())
    period = period_year(text)
    title_year, candidates = agency_candidates(doc, text, period)
    winner, others = choose_agency(candidates, text)
    agency, source = (winner.name, winner.source.replace("meta_title", "meta")) if winner else ("", "unknown")
    unread = bool(winner) and not winner.titled and winner.ocr and read_title(doc, period, ("title",)).unread
    findings = agency_findings(winner, others, unread)
    year = reporting_year(doc, text, title_year, period)
    try:
        template, scores = detect_template(doc, year, key_of_normalized(text))  # text is nfkc'd: label_key(text)
    except ReportError:
        if agency and year:
            raise ReportError(doc.path, f"title of {agency}'s {year} report found, but none of its statistics tables "
                                        "(truncated, or the tables are images)") from None
        raise
    if year is None:
        raise ReportError(doc.path, f"{template} tables found but no reporting year (no title year, "
                                    "统计期限 sentence, table caption or publication date)")
    if not agency:
        agency, aid, how = UNKNOWN_AGENCY, UNKNOWN_AGENCY, id_how("unknown")
        _add_unknown_finding(findings, doc, period, sorted({c.name for c in candidates}))
    else:
        agency = complete_agency_name(agency)
        aid, how = resolve_agency_id(agency, text)
        if how == "alias" and not winner.titled:
            agency = aid.replace("/", "")  # no title names it: the id's own name, not a short one (来源:莆田市科技局)
        if how == "city_not_found":
            findings.append(("identify.region_ambiguous", f"{agency}: {id_how_text(how)}"))
    return Identity(template=template, year=year, agency=agency, agency_id=aid, agency_source=source,
                    agency_id_how=how, template_scores=scores, findings=tuple(findings),
                    agency_level=UNKNOWN_AGENCY if aid == UNKNOWN_AGENCY else agency_level(agency))


def _add_unknown_finding(findings: list, doc: Document, period: Optional[int], said: list) -> None:
    """Why no agency is stated. On a scan whose title OCR could not read, "nothing names the agency" would be
    a claim about the report that only the reading supports: the finding says the title was unreadable."""
    if said:
        findings.append(("identify.agency_unknown", f"no title names the agency and {', '.join(said)} does not "
                                                    "tell which (a government's office)"))
    elif read_title(doc, period, ("title",)).unread:
        findings.append(("identify.agency_unknown_title_unread", "OCR could not read the scanned title, and nothing "
                                                                 "else read tells which agency wrote the report"))
    else:
        findings.append(("identify.agency_unknown", "no title, metadata, sentence, signature or file name names "
                                                    "the agency"))


def report_id(agency_id_: str, year: int) -> str:
    return f"{agency_id_}-{year}"


def identity_findings(report_id_: str, ident: Identity) -> list[dict]:
    """Identification findings as rows of the findings table (about the parse, not the report)."""
    return [finding(report_id_, rule, "fail", evidence=evidence) for rule, evidence in ident.findings]
