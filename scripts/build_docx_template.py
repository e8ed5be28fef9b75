"""Build the default export template, templates/docx/assessment.docx, with python-docx.

Run it after changing this file, and commit the .docx it writes (`make` does not run it):

    .venv/bin/python scripts/build_docx_template.py

The template is ordinary Word with docxtpl tags; docs/export-templates.md describes every
name it uses. Staff who want their own look can open the result in Word and start from it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx" / "assessment.docx"
RED = RGBColor(0xB0, 0x00, 0x20)
FONT = "Calibri"  # LibreOffice shows it as Carlito, or DejaVu Sans where that is missing


def para(doc, *runs, style=None, bold=False, italic=False):
    """A paragraph of runs; a run is text, or (text, {"bold": True, ...})."""
    paragraph = doc.add_paragraph(style=style)
    for run in runs:
        text, fmt = (run, {}) if isinstance(run, str) else run
        added = paragraph.add_run(text)
        added.bold = fmt.get("bold", bold) or None
        added.italic = fmt.get("italic", italic) or None
        if fmt.get("red"):
            added.font.color.rgb = RED
    return paragraph


def tag(doc, text):
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); docxtpl removes it."""
    return doc.add_paragraph(text)


def heading(doc, text, level, *, new_page=False):
    paragraph = doc.add_heading(text, level)
    paragraph.paragraph_format.page_break_before = new_page or None
    return paragraph


def loop_table(doc, header, cells, loop):
    """A table whose header row repeats on each page, with one row per item of `loop`."""
    table = doc.add_table(rows=4, cols=len(header))
    table.style = doc.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    return table


def plain_fonts(doc):
    """One sans-serif face throughout, named rather than taken from the theme: LibreOffice
    reads theme fonts poorly, and a plain sans face reads best on screen and paper."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)
        fonts.set(qn("w:ascii"), FONT)
        fonts.set(qn("w:hAnsi"), FONT)


def header_and_footer(doc):
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    draft = header.add_run("{% if is_draft %}{{ words.draft_notice }} · {% endif %}")
    draft.bold, draft.font.color.rgb = True, RED
    header.add_run("{{ assessment.title }}")
    footer = section.footer.paragraphs[0]
    footer.add_run("{{ words.generated }} {{ generated.text }} · ")
    footer._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1'
                               "</w:t></w:r></w:fldSimple>"))


def title_page(doc):
    tag(doc, "{%p if is_draft %}")
    draft = para(doc, ("{{ words.draft }}", {"bold": True, "red": True}))
    draft.alignment = WD_ALIGN_PARAGRAPH.CENTER
    draft.runs[0].font.size = Pt(36)
    tag(doc, "{%p endif %}")
    doc.add_paragraph("{{ assessment.title }}", style="Title")
    doc.add_paragraph("{{ assessment.questionnaire.title }}, {{ words.version }} "
                      "{{ assessment.questionnaire.version }}", style="Subtitle")
    facts = [
        ("department", "{{ assessment.department }}"),
        ("state", "{{ assessment.state_label }}"),
        ("submitted", "{% if assessment.submitted %}{{ assessment.submitted.text }}"
                      "{% else %}{{ words.not_yet }}{% endif %}"),
        ("approved", "{% if assessment.approved %}{{ assessment.approved.text }}"
                     "{% else %}{{ words.not_yet }}{% endif %}"),
        ("impact_level", "{% if level %}{{ level.label }}{% else %}{{ words.no_level }}"
                         "{% endif %}"),
    ]
    for word, value in facts:
        para(doc, (f"{{{{ words.{word} }}}}: ", {"bold": True}), value)


def summary(doc):
    heading(doc, "{{ words.summary }}", 1, new_page=True)
    heading(doc, "{{ words.scores }}", 2)
    tag(doc, "{%p if scores %}")
    loop_table(doc, ["{{ words.score }}", "{{ words.value }}", "{{ words.maximum }}"],
               ["{{ s.label }}", "{{ s.value_text }}", "{{ s.max_text }}"], "s in scores")
    tag(doc, "{%p endif %}")
    heading(doc, "{{ words.impact_level }}", 2)
    tag(doc, "{%p if level %}")
    para(doc, "{{ level.label }}", bold=True)
    tag(doc, "{{p level.description_formatted }}")
    tag(doc, "{%p else %}")
    para(doc, "{{ words.no_level }}")
    tag(doc, "{%p endif %}")
    heading(doc, "{{ words.flags }}", 2)
    tag(doc, "{%p for group in flag_groups %}")
    heading(doc, "{{ group.label }}", 3)
    tag(doc, "{%p for message in group.messages %}")
    para(doc, "{{ message }}", style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not flag_groups %}")
    para(doc, "{{ words.no_flags }}")
    tag(doc, "{%p endif %}")


def answers(doc):
    heading(doc, "{{ words.answers }}", 1, new_page=True)
    tag(doc, "{%p for section in sections %}")
    heading(doc, "{{ section.title }}", 2)
    tag(doc, "{%p for q in section.questions %}")
    heading(doc, "{{ q.label }}", 3)
    tag(doc, "{%p if q.problem %}")
    para(doc, ("{{ words.needs_correcting }}: {{ q.problem }}", {"italic": True, "red": True}))
    tag(doc, "{%p endif %}")
    tag(doc, "{{p q.formatted }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")


def review_record(doc):
    heading(doc, "{{ words.review_record }}", 1, new_page=True)
    heading(doc, "{{ words.decisions }}", 2)
    tag(doc, "{%p if review.transitions %}")
    loop_table(doc, ["{{ words.when }}", "{{ words.who }}", "{{ words.what }}",
                     "{{ words.note }}"],
               ["{{ t.at.text }}, {{ t.at.time }}", "{{ t.who }}",
                "{{ t.action }}{% if t.from_state %} ({{ t.from_state }} → {{ t.to_state }})"
                "{% else %} ({{ t.to_state }}){% endif %}", "{{ t.note or '' }}"],
               "t in review.transitions")
    tag(doc, "{%p else %}")
    para(doc, "{{ words.no_decisions }}")
    tag(doc, "{%p endif %}")
    heading(doc, "{{ words.comments }}", 2)
    tag(doc, "{%p for c in review.comments %}")
    para(doc, "{{ c.question }}{% if c.section %} ({{ c.section }}){% endif %}", bold=True)
    para(doc, ("{{ c.who }}, {{ c.at.text }}, {{ words.round }} {{ c.round }}: "
               "{% if c.addressed %}{{ words.addressed }}{% else %}{{ words.open }}{% endif %}",
               {"italic": True}))
    para(doc, "{{ c.body }}")
    tag(doc, "{%p for r in c.replies %}")
    para(doc, ("{{ words.reply }}, {{ r.who }}, {{ r.at.text }}: ", {"italic": True}),
         "{{ r.body }}", style="Quote")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if not review.comments %}")
    para(doc, "{{ words.no_comments }}")
    tag(doc, "{%p endif %}")
    heading(doc, "{{ words.verdicts }}", 2)
    tag(doc, "{%p if review.verdicts %}")
    loop_table(doc, ["{{ words.step }}", "{{ words.verdict }}", "{{ words.who }}",
                     "{{ words.when }}"],
               ["{{ v.section }}", "{{ v.verdict }}", "{{ v.who }}",
                "{{ v.at.text }} ({{ words.round }} {{ v.round }})"], "v in review.verdicts")
    tag(doc, "{%p else %}")
    para(doc, "{{ words.no_verdicts }}")
    tag(doc, "{%p endif %}")
    heading(doc, "{{ words.conditions }}", 2)
    tag(doc, "{%p if review.conditions %}")
    para(doc, "{{ review.conditions }}")
    tag(doc, "{%p else %}")
    para(doc, "{{ words.no_conditions }}")
    tag(doc, "{%p endif %}")


def signoff(doc):
    heading(doc, "{{ words.signoff }}", 1)
    table = loop_table(doc, ["{{ words.role }}", "{{ words.name }}", "{{ words.date }}",
                             "{{ words.signature }}"],
                       ["{{ s.role }}", "{{ s.name }}",
                        "{% if s.date %}{{ s.date.text }}{% endif %}", ""], "s in signoff")
    table.rows[2].height = Inches(0.6)  # room to sign by hand on paper


def build() -> Path:
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Inches(1)
    if "Hyperlink" not in [s.name for s in doc.styles]:
        link = doc.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb, link.font.underline = RGBColor(0x05, 0x63, 0xC1), True
    properties = doc.core_properties
    properties.author = properties.last_modified_by = "Equity Tool"
    properties.title, properties.comments, properties.keywords = "", "", ""
    plain_fonts(doc)
    header_and_footer(doc)
    title_page(doc)
    summary(doc)
    answers(doc)
    review_record(doc)
    signoff(doc)
    # w:lang and the title are set on each export, from the assessment (export/docx.py).
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    sys.stdout.write(f"Wrote {build()}\n")
