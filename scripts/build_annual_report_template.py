"""Build the default annual report template, templates/docx/annual-report.docx, with python-docx.

Run it after changing this file, and commit the .docx it writes (`make` does not run it):

    .venv/bin/python scripts/build_annual_report_template.py

It uses the same building blocks as the assessment template (scripts/build_docx_template.py).
docs/export-templates.md ("The annual report") describes every name it uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_docx_template import heading, para, plain_fonts, tag

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx" / "annual-report.docx"


def caption(table, text):
    """A table's name for screen readers (Word's table alt text title)."""
    properties = table._tbl.tblPr
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), text)
    properties.append(element)


def repeat_header(row):
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def loop_table(doc, header, cells, loop, name):
    """A table whose header row repeats on each page, with one row per item of `loop`."""
    table = doc.add_table(rows=4, cols=len(header))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    repeat_header(table.rows[0])
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    caption(table, name)
    return table


def fixed_table(doc, header, cells, name):
    """A header row and one row of values."""
    table = doc.add_table(rows=2, cols=len(header))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    repeat_header(table.rows[0])
    for cell, text in zip(table.rows[1].cells, cells, strict=True):
        cell.paragraphs[0].add_run(text)
    caption(table, name)
    return table


def chart(doc, name):
    """The chart's picture in a paragraph of its own, when there is one."""
    tag(doc, f"{{%p if charts.{name} %}}")
    doc.add_paragraph(f"{{{{ charts.{name}.image }}}}")
    tag(doc, "{%p endif %}")


def front(doc):
    section = doc.sections[0]
    section.header.paragraphs[0].add_run("{{ title }}")
    section.footer.paragraphs[0].add_run("Made on {{ generated.text }}")
    doc.add_paragraph("{{ title }}", style="Title")
    doc.add_paragraph("Racial equity impact assessments in {{ year }}, "
                      "{% if department %}{{ department }}{% else %}every department"
                      "{% endif %}", style="Subtitle")
    para(doc, "Made on {{ generated.text }} from the Equity Tool's records.")


def nothing_to_report(doc):
    para(doc, "There is nothing to report for {{ year }}{% if department %} in "
              "{{ department }}{% endif %}: no assessment was sent for review, returned or "
              "approved, and no follow-up item was made or due, in that year.")


def summary(doc):
    heading(doc, "Summary for council", 1)
    loop_table(doc, ["Figure", "Value"], ["{{ r.label }}", "{{ r.value }}"],
               "r in summary.rows", "The year in figures")
    heading(doc, "Assessments completed, by impact level", 2)
    chart(doc, "levels")
    tag(doc, "{%p if levels %}")
    loop_table(doc, ["Impact level", "Questionnaire", "Assessments"],
               ["{{ r.level }}", "{{ r.questionnaire }}", "{{ r.count }}"], "r in levels",
               "Assessments completed, by impact level")
    tag(doc, "{%p else %}")
    para(doc, "No assessment was completed in {{ year }}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if citywide %}")
    heading(doc, "By department", 2)
    chart(doc, "departments")
    loop_table(doc, ["Department", "Completed", "Returns", "Approvals",
                     "Median days to approval", "Follow-up items", "Overdue"],
               ["{{ d.name }}", "{{ d.completed }}", "{{ d.returns }}", "{{ d.approvals }}",
                "{{ d.median_days_text }}", "{{ d.follow_up_items }}", "{{ d.overdue }}"],
               "d in overview", "Figures by department")
    tag(doc, "{%p endif %}")
    heading(doc, "Flags raised most often", 2)
    tag(doc, "{%p if flags %}")
    loop_table(doc, ["Flag", "Questionnaire", "Severity", "Assessments"],
               ["{{ f.flag }}", "{{ f.questionnaire }}", "{{ f.severity }}", "{{ f.count }}"],
               "f in flags", "Flags raised most often on the assessments completed")
    tag(doc, "{%p else %}")
    para(doc, "No flag was raised on the assessments completed in {{ year }}.")
    tag(doc, "{%p endif %}")
    heading(doc, "Follow-up items, by status", 2)
    chart(doc, "follow_up")
    loop_table(doc, ["Status", "Items"], ["{{ r.status }}", "{{ r.count }}"],
               "r in items_by_status", "Follow-up items of the year, by status")


def departments(doc):
    heading(doc, "Departments", 1, new_page=True)
    tag(doc, "{%p for d in departments %}")
    heading(doc, "{{ d.name }}", 2)
    para(doc, "{{ d.completed }} assessment{% if d.completed != 1 %}s{% endif %} completed; "
              "{{ d.returns }} return{% if d.returns != 1 %}s{% endif %} and "
              "{{ d.approvals }} approval{% if d.approvals != 1 %}s{% endif %} in {{ year }}; "
              "median {{ d.median_days_text }} days from first submission to approval.")
    heading(doc, "Approved assessments", 3)
    tag(doc, "{%p if d.assessments %}")
    loop_table(doc, ["Assessment", "Decision", "Impact level", "Approved",
                     "Days from first submission"],
               ["{{ a.title }}", "{{ a.decision }}", "{{ a.level }}", "{{ a.approved.text }}",
                "{{ a.turnaround_days_text }}"], "a in d.assessments",
               "Assessments approved in the year")
    tag(doc, "{%p else %}")
    para(doc, "None was approved in {{ year }}.")
    tag(doc, "{%p endif %}")
    heading(doc, "Flags raised most often", 3)
    tag(doc, "{%p if d.flags %}")
    loop_table(doc, ["Flag", "Severity", "Assessments"],
               ["{{ f.flag }}", "{{ f.severity }}", "{{ f.count }}"], "f in d.flags",
               "Flags raised most often")
    tag(doc, "{%p else %}")
    para(doc, "No flag was raised on the assessments approved in {{ year }}.")
    tag(doc, "{%p endif %}")
    heading(doc, "Follow-up items", 3)
    fixed_table(doc, ["Items of the year", "Made in the year", "Done", "At risk", "Overdue"],
                ["{{ d.follow_up.all }}", "{{ d.follow_up.made }}", "{{ d.follow_up.done }}",
                 "{{ d.follow_up.at_risk }}", "{{ d.follow_up.overdue }}"], "Follow-up items")
    heading(doc, "Measures", 3)
    tag(doc, "{%p if d.measures %}")
    loop_table(doc, ["Measure", "Assessment", "Baseline", "Latest value", "Target", "Status"],
               ["{{ m.title }}", "{{ m.assessment }}", "{{ m.baseline }}",
                "{{ m.latest }}{% if m.latest_on %} ({{ m.latest_on.text }}){% endif %}",
                "{{ m.target }}", "{{ m.status }}{% if m.overdue %}, overdue{% endif %}"],
               "m in d.measures", "Measures: baseline, latest value and target")
    tag(doc, "{%p else %}")
    para(doc, "No measure is followed for {{ year }}.")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def about(doc):
    heading(doc, "About these figures", 1)
    for text in (
        "An assessment is completed in the year the equity officer approved it; one reopened "
        "since is not counted. Returns and approvals are counted when they happened, so an "
        "assessment returned twice counts as two returns.",
        "Turnaround is the number of days from an assessment's first submission for review to "
        "its approval, for the assessments completed in the year; half took less than the "
        "median.",
        "A follow-up item belongs to the year if it was made or is due in it. Its status is "
        "the one it has on the day this report was made; it is overdue when it was due before "
        "the end of the year and before that day, and is neither done nor dropped.",
        "Flags are those raised by each assessment's answers as approved. Each chart shows the "
        "figures of the table that follows it.",
    ):
        para(doc, text)


def build() -> Path:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Inches(1)
    properties = doc.core_properties
    properties.author = properties.last_modified_by = "Equity Tool"
    properties.title, properties.comments, properties.keywords = "", "", ""
    plain_fonts(doc)
    front(doc)
    tag(doc, "{%p if not has_data %}")
    nothing_to_report(doc)
    tag(doc, "{%p else %}")
    summary(doc)
    departments(doc)
    tag(doc, "{%p endif %}")
    about(doc)
    # w:lang and the title are set on each report (publishing/reports/document.py).
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    sys.stdout.write(f"Wrote {build()}\n")
