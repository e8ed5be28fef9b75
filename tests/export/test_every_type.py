"""Guard: every question type of the format is written into the Word document, shown as a
person reads it. A new type fails here until it has a sample answer and is exported."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from equity_tool.publishing.export import ReviewRecord, build_context, render_docx
from equity_tool.questionnaire import evaluate, load_text
from tests.engine.test_engine_boundaries import FORMAT_TYPES
from tests.export.conftest import all_paragraphs, open_docx

# type: (extra keys of the question, the answer as stored, what the document must say)
SAMPLES = {
    "text": ("", "Branch libraries", "Branch libraries"),
    "long_text": ("", "Open **later** on Fridays", "Open later on Fridays"),
    "number": ("unit: USD", 125000, "125,000 USD"),
    "date": ("", "2027-03-02", "2 March 2027"),
    "email": ("", "lead@city.gov", "lead@city.gov"),
    "url": ("", "https://city.gov/plan", "https://city.gov/plan"),
    "yes_no": ("", "yes", "Yes"),
    "single_choice": ("choices: [{value: bus, label: Bus riders}, {value: bike, label: Cyclists}]",
                      "bus", "Bus riders"),
    "multi_choice": ("choices: [{value: bus, label: Bus riders}, {value: bike, label: Cyclists}]",
                     ["bike"], "Cyclists"),
    "scale": ("labels: {1: Not at all, 5: Fully}", 5, "5 (Fully)"),
    "table": ("columns:\n          - id: who\n            type: text\n            label: Who",
              [{"who": "Tenants' union"}], "Tenants' union"),
    "info": ("text: Read the guidance first.", None, None),
}


def questionnaire_with(name: str):
    keys, _, _ = SAMPLES[name]
    extra = f"\n        {keys}" if keys else ""
    result = load_text(f"""
id: every-type
version: "1"
title: Every type
sections:
  - id: only
    title: The one step
    questions:
      - id: q
        type: {name}
        label: What is the answer?{extra}
""")
    assert result.questionnaire, result.problems
    return result.questionnaire


@pytest.mark.parametrize("name", FORMAT_TYPES)
def test_every_format_type_is_written_to_word(name):
    assert name in SAMPLES, f"give {name} a sample answer here"
    q = questionnaire_with(name)
    _, answer, shown = SAMPLES[name]
    answers = {} if answer is None else {"q": answer}
    assessment = SimpleNamespace(
        id=3, title="Every type", language="en", state="approved", answers=answers,
        other_texts={}, submitted_at=datetime(2027, 3, 1, tzinfo=UTC),
        approved_at=datetime(2027, 3, 2, tzinfo=UTC), conditions=None)
    context = build_context(assessment=assessment, questionnaire=q, department="Libraries",
                            evaluation=evaluate(q, answers), record=ReviewRecord())
    text = "\n".join(all_paragraphs(open_docx(render_docx(context))))
    if shown is None:  # info collects nothing, so it is not among the answers
        assert "What is the answer?" not in text
    else:
        assert "What is the answer?" in text
        assert shown in text
