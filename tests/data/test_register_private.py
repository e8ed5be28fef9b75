"""What of an assessment the public sees: private questions and table columns left out of the
questionnaire, the answers and the export context built from them (pure: no database)."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

from equity_tool.publishing.export import ReviewRecord, build_context, render_docx
from equity_tool.publishing.register.private import (
    private_ids,
    public_answers,
    public_questionnaire,
)
from equity_tool.questionnaire import evaluate, load_text

SECRET = "owner-7f3k@private-mail.example"
QUESTIONNAIRE = load_text("""
id: private-test
version: "1"
title: Private test
publish:
  summary: summary
sections:
  - id: s
    title: S
    questions:
      - id: summary
        type: long_text
        label: Summary for the public
      - id: email
        type: email
        label: Contact email
        private: true
      - id: groups
        type: multi_choice
        label: Groups asked
        private: true
        choices: [{value: a, label: Tenants}, {value: b, label: Owners}]
      - id: per_group
        type: table
        label: What each group said
        rows_from: groups
        columns:
          - {id: said, type: text, label: Said}
      - id: plan
        type: table
        label: Plan
        columns:
          - {id: action, type: text, label: Action}
          - {id: contact, type: text, label: Contact, private: true}
""").questionnaire
ANSWERS = {
    "summary": "Fixing the plan.", "email": SECRET, "groups": ["a"],
    "per_group": [{"row": "a", "said": "Tenants said yes"}],
    "plan": [{"action": "Paint lines", "contact": SECRET}],
}


def test_private_questions_and_tables_grouped_by_them_are_left_out():
    assert private_ids(QUESTIONNAIRE) == {"email", "groups", "per_group"}
    shown = public_questionnaire(QUESTIONNAIRE)
    assert [q.id for q in shown.questions()] == ["summary", "plan"]
    assert [c.id for c in shown.question("plan").columns] == ["action"]
    assert public_answers(QUESTIONNAIRE, ANSWERS) == {
        "summary": "Fixing the plan.", "plan": [{"action": "Paint lines"}]}
    assert QUESTIONNAIRE.question("plan").columns[1].id == "contact"  # the original is intact


def test_the_public_context_and_document_hold_no_private_value():
    context = build_context(
        assessment=SimpleNamespace(id=1, title="T", language="en", state="approved",
                                   submitted_at=None, approved_at=None, conditions=None,
                                   answers=public_answers(QUESTIONNAIRE, ANSWERS),
                                   other_texts={}),
        questionnaire=public_questionnaire(QUESTIONNAIRE), department="Parks",
        evaluation=evaluate(QUESTIONNAIRE, ANSWERS), record=ReviewRecord())
    assert SECRET not in repr(context) and "Tenants" not in repr(context)
    assert "Paint lines" in repr(context)
    with zipfile.ZipFile(io.BytesIO(render_docx(context))) as files:
        xml = b"".join(files.read(name) for name in files.namelist())
    assert b"Paint lines" in xml and SECRET.encode() not in xml
