"""Export tests: assessments built through the real use cases, documents opened for real."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from equity_tool.assessments import service as assessments
from equity_tool.assessments.versions import store_version
from equity_tool.questionnaire import load_file
from equity_tool.questionnaire.answersfile import read_answers
from equity_tool.review import service as review
from equity_tool.review.workflow import Action

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRE_IDS = ("rapid-equity-check", "racial-equity-impact-assessment")


def questionnaire(qid: str):
    return load_file(ROOT / "questionnaires" / f"{qid}.yaml").questionnaire


def complete_answers(q) -> dict:
    path = ROOT / "questionnaires" / "examples" / f"{q.id}--complete.yaml"
    answers, problems = read_answers(q, path.read_text(), str(path))
    assert not problems
    return answers


@pytest.fixture
def rapid():
    return questionnaire("rapid-equity-check")


@pytest.fixture
def full():
    return questionnaire("racial-equity-impact-assessment")


@pytest.fixture
def people(make_user):
    return {
        "staff": make_user("ana@city.gov", name="Ana Staff"),
        "director": make_user("dee@city.gov", role="director", name="Dee Director"),
        "officer": make_user("olu@city.gov", role="officer", department=None, name="Olu Officer"),
    }


def start(session, people, q, answers=None, *, title="Summer library hours", language="en",
          other_texts=None):
    store_version(session, q)
    session.commit()
    assessment = assessments.start(
        session, user=people["staff"], questionnaire=q,
        request=assessments.StartRequest(title, "program", language=language))
    assessment.answers = complete_answers(q) if answers is None else answers
    assessment.other_texts = other_texts or {}
    session.add(assessment)
    session.commit()
    return assessment


def act(session, people, who, assessment, q, action, **kwargs):
    return review.transition(session, user=people[who], assessment=assessment,
                             questionnaire=q, action=action, **kwargs)


def approve(session, people, assessment, q, *, conditions="Report the swim test results."):
    """Submit, review with a comment and a verdict, return, reply, resubmit and approve."""
    def submit():
        act(session, people, "staff", assessment, q, Action.SUBMIT)
        if q.department_signoff:
            act(session, people, "director", assessment, q, Action.SIGN_OFF)
        act(session, people, "officer", assessment, q, Action.START_REVIEW)

    submit()
    comment = review.add_comment(session, user=people["officer"], assessment=assessment,
                                 questionnaire=q, question_id="title",
                                 body="Say which branches, please.")
    review.set_verdict(session, user=people["officer"], assessment=assessment, questionnaire=q,
                       section_id=q.sections[0].id, verdict="needs changes")
    act(session, people, "officer", assessment, q, Action.RETURN, note="See my comment.")
    review.reply(session, user=people["staff"], assessment=assessment, comment_id=comment.id,
                 body="Named all three branches.", addressed=True)
    submit()
    review.set_verdict(session, user=people["officer"], assessment=assessment, questionnaire=q,
                       section_id=q.sections[0].id, verdict="acceptable")
    act(session, people, "officer", assessment, q, Action.APPROVE, conditions=conditions)
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
