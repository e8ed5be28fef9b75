"""Render the export context into a .docx with docxtpl, answers escaped as data.

Templates come from equity staff, so they run in Jinja's sandbox, and every mistake in one
becomes an ExportError that names the template and the problem. Answers are never template
code: they are values, escaped on output (`autoescape=True`), and formatted answers are XML
built from escaped text (see wordml.py).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from equity_tool.publishing.export.errors import ExportError
from equity_tool.publishing.export.wordml import WordML, literal
from equity_tool.settings import PROJECT_ROOT

DEFAULT_TEMPLATE = PROJECT_ROOT / "templates" / "docx" / "assessment.docx"
# Word wants a region for spelling and speech; a bare language code is valid too.
_LANGUAGE_TAGS = {"en": "en-US", "es": "es-US"}
_RIGHT_TO_LEFT = {"ar", "he", "fa", "ur", "yi", "ps", "dv"}


class _BrokenOutput(Exception):
    """The rendered template is not well-formed WordprocessingML."""


# A paragraph or table inside a line of text (outside a text box): what a formatted answer
# put in `{{ }}` or `{{r }}` instead of `{{p }}` gives. The XML parses; Word calls it corrupt.
_MISPLACED = etree.XPath(
    "//w:p[ancestor::w:p][not(ancestor::w:txbxContent)]"
    " | //w:tbl[ancestor::w:p][not(ancestor::w:txbxContent)] | //w:t[*]",
    namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"})


class _Template(DocxTemplate):
    def fix_tables(self, xml: str) -> Any:
        # docxtpl parses its output in recover mode, which silently drops whatever does not
        # parse; refuse instead, so a bad template never yields a document missing answers.
        try:
            tree = etree.fromstring(xml.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            raise _BrokenOutput(str(exc)) from None
        if _MISPLACED(tree):
            raise _BrokenOutput("a paragraph or table inside a line of text")
        return super().fix_tables(xml)


def render_docx(context: dict[str, Any], template: str | Path | None = None) -> bytes:
    """The .docx bytes of `template` (default: the shipped one) filled with `context`."""
    path = Path(template) if template else DEFAULT_TEMPLATE
    document = _open(path)
    full = with_formatting(context, WordML(document.docx))
    try:
        document.render(full, SandboxedEnvironment(autoescape=True), autoescape=True)
    except TemplateError as exc:
        raise ExportError(f"The export template {path} has a mistake: {_describe(exc)}",
                          template=str(path)) from None
    except _BrokenOutput as exc:
        raise ExportError(
            f"The export template {path} produced a document Word cannot open ({exc}). A "
            "formatted answer ({{p q.formatted }}) must be alone in its own paragraph.",
            template=str(path)) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, etree.XMLSyntaxError) as exc:
        raise ExportError(f"The export template {path} failed while filling it in: "
                          f"{type(exc).__name__}: {exc}", template=str(path)) from None
    _set_properties(document.docx, full)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _open(path: Path) -> _Template:
    if not path.is_file():
        raise ExportError(f"The export template {path} does not exist.", template=str(path))
    document = _Template(str(path))
    try:
        document.init_docx()
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise ExportError(f"The export template {path} is not a Word .docx file ({exc}).",
                          template=str(path)) from None
    except Exception as exc:  # zipfile.BadZipFile, lxml errors: anything unreadable
        raise ExportError(f"The export template {path} is not a Word .docx file "
                          f"({type(exc).__name__}: {exc}).", template=str(path)) from None
    return document


def _describe(exc: TemplateError) -> str:
    near = [line.strip() for line in getattr(exc, "docx_context", []) or [] if line.strip()]
    where = f" (near: {' | '.join(near)[:200]})" if near else ""
    return f"{exc.message or type(exc).__name__}{where}"


def with_formatting(context: dict[str, Any], ml: WordML) -> dict[str, Any]:
    """The context plus `formatted` block XML for answers, tables and the level's text."""
    context = literal(context)
    words = context["words"]
    sections = [
        {**section, "questions": [{**q, "formatted": _formatted(q, ml, words)}
                                  for q in section["questions"]]}
        for section in context["sections"]
    ]
    level = context.get("level")
    if level:
        # The questionnaire author's prose: lines wrapped in the YAML file flow together.
        level = {**level, "description_formatted": ml.markdown(level["description"],
                                                               breaks=False)}
    return {**context, "sections": sections, "level": level}


def _formatted(question: dict[str, Any], ml: WordML, words: dict[str, Any]) -> Any:
    kind = question["format"]
    if kind == "table":
        table = question["table"]
        return ml.table(table["header"], table["rows"], caption=question["label"],
                        markdown_columns=table["markdown_columns"])
    if kind == "markdown":
        return ml.markdown(question["answer"])
    if kind == "text":
        return ml.text(question["answer"])
    return ml.text(words["not_answered"], italic=True)


def _set_properties(document: Any, context: dict[str, Any]) -> None:
    """Title and language, for the title bar, screen readers and spelling."""
    language = context["language"]
    tag = _LANGUAGE_TAGS.get(language, language)
    properties = document.core_properties
    properties.title = context["assessment"]["title"]
    properties.subject = context["assessment"]["questionnaire"]["title"]
    properties.language = tag
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = etree.SubElement(rpr, qn("w:lang"))
    lang.set(qn("w:val"), tag)
    if re.split("[-_]", language)[0] in _RIGHT_TO_LEFT:
        lang.set(qn("w:bidi"), tag)
