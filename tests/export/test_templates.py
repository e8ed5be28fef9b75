"""Custom templates: a questionnaire's own template is used; a broken one says what is wrong."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from docx import Document

from equity_tool.publishing.export import (
    DEFAULT_TEMPLATE,
    ExportError,
    ReviewRecord,
    build_context,
    download_name,
    export_assessment,
    render_docx,
)
from equity_tool.publishing.export.context import clean
from equity_tool.questionnaire import evaluate
from tests import factories
from tests.export.conftest import all_paragraphs, open_docx


def template(path: Path, *paragraphs: str) -> Path:
    """A .docx template made the way staff would, a paragraph per line."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def context_of(q, **changes):
    assessment = SimpleNamespace(
        id=7, title="Summer library hours", language="en", state="approved",
        answers=factories.example_answers(q), other_texts={},
        submitted_at=datetime(2026, 3, 2, tzinfo=UTC),
        approved_at=datetime(2026, 3, 4, 15, 30, tzinfo=UTC), conditions=None)
    for key, value in changes.items():
        setattr(assessment, key, value)
    return build_context(assessment=assessment, questionnaire=q, department="Libraries",
                         evaluation=evaluate(q, assessment.answers), record=ReviewRecord())


SMALL = (
    "{{ assessment.title }} ({{ assessment.department }}), approved {{ assessment.approved.text }}",
    "{%p for section in sections %}",
    "{{ section.title }}",
    "{%p for q in section.questions %}",
    "{{ q.label }}: {{ q.answer }}",
    "{%p endfor %}",
    "{%p endfor %}",
)


def test_a_questionnaires_own_template_is_used(session, people, answered, rapid, tmp_path):
    own = dataclasses.replace(rapid, export_template=str(template(tmp_path / "own.docx", *SMALL)))
    a = answered(people["staff"], own)
    paragraphs = all_paragraphs(open_docx(export_assessment(session, a, own)))
    assert paragraphs[0].startswith("Summer library hours (Transportation), approved ")
    assert "Estimated cost: 85,000 USD" in paragraphs
    assert "Does it create or change an ordinance?: No" in paragraphs


def test_the_documented_example_context(rapid):
    context = context_of(rapid)
    assert context["assessment"]["approved"] == {"iso": "2026-03-04T15:30:00+00:00",
                                                 "text": "4 March 2026", "time": "15:30"}
    assert context["assessment"]["questionnaire"] == {
        "id": "rapid-equity-check", "title": "Rapid equity check", "version": "2026.2"}
    assert context["level"]["label"] == "Low concern" and not context["is_draft"]
    assert context["scores"][0] == {"id": "highest_burden", "value": 1, "value_text": "1",
                                    "label": "Highest burden on any group (0-3)", "max": 3,
                                    "max_text": "3"}
    question = context["sections"][1]["questions"][2]
    assert question["table"]["header"][:2] == ["Group", "Benefit (0-3)"]
    assert question["table"]["rows"][0][:3] == ["Black or African American", "2", "0"]
    assert context["signoff"] == [{"role": "Equity officer", "name": "", "date": None,
                                   "signed": False}]


def test_dates_follow_the_citys_time_zone_and_language(rapid):
    context = build_context(
        assessment=SimpleNamespace(
            id=1, title="T", language="es", state="submitted", answers={}, other_texts={},
            submitted_at=datetime(2026, 3, 5, 3, 0, tzinfo=UTC), approved_at=None,
            conditions=None),
        questionnaire=rapid, department="D", evaluation=evaluate(rapid, {}),
        record=ReviewRecord(), timezone="America/Chicago")
    assert context["assessment"]["submitted"]["text"] == "4 de marzo de 2026"
    assert context["is_draft"] and context["assessment"]["state_label"] == "Enviada"


@pytest.mark.parametrize(("paragraphs", "problem"), [
    (("{{ assessment.title }",), "unexpected '}'"),
    (("{% for x in sections %}",), "Unexpected end of template"),
    (("{{ assessment.title | shout }}",), "No filter named 'shout'"),
    (("{{ assessment.__class__.__mro__ }}",), "unsafe"),
    (("{{ 1 / 0 }}",), "ZeroDivisionError"),
    (("{{ q.formatted }}",), "'q' is undefined"),
])
def test_a_broken_template_names_itself_and_the_problem(rapid, tmp_path, paragraphs, problem):
    path = template(tmp_path / "broken.docx", *paragraphs)
    with pytest.raises(ExportError) as error:
        render_docx(context_of(rapid), path)
    assert str(path) in str(error.value) and problem in str(error.value)
    assert error.value.template == str(path)
    assert render_docx(context_of(rapid))  # the default template still works


@pytest.mark.parametrize("line", ["Answer: {{r q.formatted }}", "Answer: {{ q.formatted }}"])
def test_a_formatted_answer_inside_a_line_is_refused(rapid, tmp_path, line):
    path = template(tmp_path / "inline.docx", "{%p for s in sections %}",
                    "{%p for q in s.questions %}", line, "{%p endfor %}", "{%p endfor %}")
    with pytest.raises(ExportError, match="must be alone in its own paragraph"):
        render_docx(context_of(rapid), path)


@pytest.mark.parametrize("content", [b"not a zip at all", b""])
def test_a_file_that_is_not_a_docx_is_refused(rapid, tmp_path, content):
    path = tmp_path / "notes.docx"
    path.write_bytes(content)
    with pytest.raises(ExportError, match=f"{path} is not a Word .docx file"):
        render_docx(context_of(rapid), path)


def test_a_zip_that_is_not_a_docx_and_a_missing_file_are_refused(rapid, tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ExportError, match=r"is not a Word \.docx file"):
        render_docx(context_of(rapid), path)
    with pytest.raises(ExportError, match=r"nowhere\.docx does not exist"):
        render_docx(context_of(rapid), tmp_path / "nowhere.docx")


def test_text_a_document_cannot_hold_is_dropped(rapid):
    assert clean("a\x00b\x07c\x0bd\x0ce\r\nf\rg\tüñ😀") == "abcde\nf\ng\tüñ😀"
    context = context_of(rapid, title="Bell\x07 and NUL\x00", answers={
        **factories.example_answers(rapid), "decision_summary": "Form\x0cfeed and \x1b escape"})
    document = Document(io.BytesIO(render_docx(context)))
    assert document.core_properties.title == "Bell and NUL"
    assert "Formfeed and  escape" in [p.text for p in document.paragraphs]


def test_the_default_template_is_the_shipped_file():
    assert DEFAULT_TEMPLATE.is_file() and DEFAULT_TEMPLATE.suffix == ".docx"


def test_download_names_are_plain():
    def name(title):
        return download_name(SimpleNamespace(id=12, title=title), "docx")

    assert name("Horario de verano: bibliotecas ¿sí?") == "horario-de-verano-bibliotecas-si-12.docx"
    assert name("مسبح") == "assessment-12.docx"
