"""Export tests: assessments built through the real use cases, documents opened for real."""

from __future__ import annotations

import io
import os
import shutil

import docx
import pytest
from docx.oxml.ns import qn

from equity_tool.review import service as review
from equity_tool.review.workflow import Action
from tests import factories

QUESTIONNAIRE_IDS = (factories.RAPID, factories.FULL)


def approve(session, people, assessment, *, conditions="Report the swim test results."):
    """Submit, review with a comment and a verdict, return, reply, resubmit and approve."""
    q = factories.load_questionnaire(assessment.questionnaire_id)

    def act(who, action, **kwargs):
        factories.act(session, user=people[who], assessment=assessment, action=action, **kwargs)

    def submit():
        act("staff", Action.SUBMIT)
        if q.department_signoff:
            act("director", Action.SIGN_OFF)
        act("officer", Action.START_REVIEW)

    submit()
    comment = review.add_comment(session, user=people["officer"], assessment=assessment,
                                 questionnaire=q, question_id="title",
                                 body="Say which branches, please.")
    review.set_verdict(session, user=people["officer"], assessment=assessment, questionnaire=q,
                       section_id=q.sections[0].id, verdict="needs changes")
    act("officer", Action.RETURN, note="See my comment.")
    review.reply(session, user=people["staff"], assessment=assessment, comment_id=comment.id,
                 body="Named all three branches.", addressed=True)
    submit()
    review.set_verdict(session, user=people["officer"], assessment=assessment, questionnaire=q,
                       section_id=q.sections[0].id, verdict="acceptable")
    act("officer", Action.APPROVE, conditions=conditions)
    return assessment


# --- reading documents --------------------------------------------------------------------


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def all_paragraphs(document) -> list[str]:
    """The text of every paragraph in body order, in tables and links too; w:br is a newline."""
    found = []
    for paragraph in document.element.body.iter(qn("w:p")):
        found.append("".join(
            (node.text or "") if node.tag == qn("w:t") else "\n"
            for node in paragraph.iter(qn("w:t"), qn("w:br"))))
    return found


def all_text(document) -> str:
    return "\n".join(all_paragraphs(document))


def paragraph_texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def headings(document) -> list[tuple[str, str]]:
    """(style name, text) of the Title and Heading paragraphs, in order."""
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name == "Title" or p.style.name.startswith("Heading")]


def need_program(*names: str) -> None:
    """Fail in CI when a program the PDF tests drive is missing; skip on a laptop."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        message = (f"{', '.join(missing)} not installed: run `make system-deps` (Debian "
                   "packages libreoffice-writer-nogui and poppler-utils)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
