"""The annual report as Word (docxtpl, a template the city may replace), CSV and PDF.

Templates run in Jinja's sandbox with every value escaped, as the assessment export's do; a
template that fails gives an ExportError naming it, and the shipped one keeps working.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Inches
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from equity_tool.publishing.export import ExportError, docx_to_pdf
from equity_tool.publishing.reports.charts import Chart
from equity_tool.publishing.reports.report import AnnualReport, draw_charts
from equity_tool.settings import PROJECT_ROOT

DEFAULT_TEMPLATE = PROJECT_ROOT / "templates" / "docx" / "annual-report.docx"
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
    "pdf": "application/pdf",
}
LANGUAGE_TAG = "en-US"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AltTextImage(InlineImage):
    """A picture with its alt text (Word's "description") and title set on the drawing."""

    def __init__(self, tpl: DocxTemplate, chart: Chart) -> None:
        super().__init__(tpl, io.BytesIO(chart.png), width=Inches(chart.width_inches))
        self.chart = chart

    def _insert_image(self) -> str:
        inline = parse_xml(self.tpl.current_rendering_part.new_pic_inline(
            self.image_descriptor, self.width, self.height).xml)
        for properties in (*inline.iter(qn("wp:docPr")), *inline.iter(qn("pic:cNvPr"))):
            properties.set("descr", self.chart.alt)
            properties.set("title", self.chart.title)
        xml = etree.tostring(inline, encoding="unicode")
        # Close the template's run, add the picture's own, and open a run for what follows.
        return (f"</w:t></w:r><w:r><w:drawing>{xml}</w:drawing></w:r><w:r>"
                '<w:t xml:space="preserve">')


def render_docx(report: AnnualReport, template: str | Path | None = None) -> bytes:
    """The report as .docx bytes from `template` (default: the shipped one)."""
    path = Path(template) if template else DEFAULT_TEMPLATE
    document = _open(path)
    context = {**report.context, "charts": {
        name: None if chart is None else {"title": chart.title, "alt": chart.alt,
                                          "image": AltTextImage(document, chart)}
        for name, chart in draw_charts(report).items()}}
    try:
        document.render(context, SandboxedEnvironment(autoescape=True), autoescape=True)
    except TemplateError as exc:
        raise ExportError(f"The annual report template {path} has a mistake: "
                          f"{exc.message or type(exc).__name__}", template=str(path)) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, etree.XMLSyntaxError) as exc:
        raise ExportError(f"The annual report template {path} failed while filling it in: "
                          f"{type(exc).__name__}: {exc}", template=str(path)) from None
    _set_properties(document.docx, report)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _open(path: Path) -> DocxTemplate:
    if not path.is_file():
        raise ExportError(f"The annual report template {path} does not exist.",
                          template=str(path))
    document = DocxTemplate(str(path))
    try:
        document.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ExportError(f"The annual report template {path} is not a Word .docx file "
                          f"({exc}).", template=str(path)) from None
    except Exception as exc:
        raise ExportError(f"The annual report template {path} is not a Word .docx file "
                          f"({type(exc).__name__}: {exc}).", template=str(path)) from None
    return document


def _set_properties(document: Any, report: AnnualReport) -> None:
    """Title, subject and language, whatever the template says: for screen readers, the title
    bar and spelling."""
    properties = document.core_properties
    properties.title = report.title
    properties.subject = "Racial equity impact assessments: annual report"
    properties.language = LANGUAGE_TAG
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = None if defaults is None else defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = etree.SubElement(rpr, qn("w:lang"))
    lang.set(qn("w:val"), LANGUAGE_TAG)


def render_pdf(report: AnnualReport, template: str | Path | None = None, *,
               timeout: float | None = None) -> bytes:
    """The report as PDF, through LibreOffice (ExportError when it is missing or fails)."""
    docx = render_docx(report, template)
    return docx_to_pdf(docx, **({"timeout": timeout} if timeout else {}))


# --- CSV --------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "record", "id", "assessment_id", "department_id", "department", "title", "decision_kind",
    "questionnaire", "impact_level", "impact_level_label", "first_submitted_on",
    "approved_on", "turnaround_days", "returns", "item_kind", "status", "created_on",
    "due_on", "overdue", "baseline", "latest_value", "latest_value_on", "target",
)


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def csv_rows(report: AnnualReport) -> list[dict[str, Any]]:
    """One row per assessment completed in the year, then one per follow-up item of the year;
    `record` says which, `id` is the database id (stable), dates are ISO."""
    tz = report.scope.timezone
    words, names = report.words, report.department_names

    def day(stamp: datetime | None) -> str | None:
        return None if stamp is None else stamp.astimezone(ZoneInfo(tz)).date().isoformat()

    rows: list[dict[str, Any]] = []
    for a in report.approved:
        days = a.turnaround_days
        rows.append({
            "record": "assessment", "id": a.id, "assessment_id": a.id,
            "department_id": a.department_id, "department": names.get(a.department_id),
            "title": a.title, "decision_kind": a.decision_kind,
            "questionnaire": a.questionnaire_id, "impact_level": a.impact_level,
            "impact_level_label": words.labels.level(a.questionnaire_id, a.impact_level),
            "first_submitted_on": day(a.first_submitted_at), "approved_on": day(a.approved_at),
            "turnaround_days": None if days is None else round(days, 1), "returns": a.returns})
    for i in report.items:
        rows.append({
            "record": "item", "id": i.id, "assessment_id": i.assessment_id,
            "department_id": i.department_id, "department": names.get(i.department_id),
            "title": i.title, "item_kind": i.kind.value, "status": i.status.value,
            "created_on": day(i.created_at), "due_on": i.due_on and i.due_on.isoformat(),
            "overdue": "yes" if i.overdue else "no", "baseline": i.baseline,
            "latest_value": i.latest_value,
            "latest_value_on": i.latest_value_on and i.latest_value_on.isoformat(),
            "target": i.target})
    return rows


def render_csv(report: AnnualReport) -> bytes:
    """The CSV as UTF-8 with a byte order mark (so Excel reads accents), CRLF line ends."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in csv_rows(report):
        writer.writerow({name: _safe(row.get(name)) for name in CSV_COLUMNS})
    return ("\ufeff" + out.getvalue()).encode("utf-8")
