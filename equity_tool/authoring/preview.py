"""A draft previewed as staff will see it, with sample answers that are never stored.

The sample answers travel in the preview's own forms (a JSON field), not in the database: each
post brings the answers given so far, adds the step on the page, and the page is drawn again
with the wizard's own pieces (answer_forms, wizard, evaluate).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from equity_tool.assessments.answer_forms import apply_row_action, parse_section_form
from equity_tool.assessments.service import default_answers  # as a start gives
from equity_tool.assessments.wizard import QuestionView, Step, question_views, steps
from equity_tool.core.exceptions import BadRequest, NotFound
from equity_tool.questionnaire import Evaluation, Questionnaire, Section, evaluate

MAX_SAMPLE_CHARS = 1_000_000  # under the request limit; answers are limited field by field
PREVIEW_FIELDS = ("sample", "step", "go", "lang", "switch_lang")  # the preview's own fields


@dataclass(frozen=True)
class Sample:
    """Answers typed in the preview: question id -> answer, and texts beside "other"."""

    answers: dict[str, Any]
    other_texts: dict[str, str]

    def to_json(self) -> str:
        return json.dumps({"answers": self.answers, "other_texts": self.other_texts},
                          ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class PreviewStep:
    """One step of the preview: its questions as the wizard shows them, and the verdict."""

    section: Section
    step: Step
    steps: list[Step]
    views: list[QuestionView]
    evaluation: Evaluation


def language_of(questionnaire: Questionnaire, asked: str | None) -> str:
    """The language asked for if the file has it, else its default language."""
    return asked if asked in questionnaire.languages else questionnaire.default_language


def first_sample(questionnaire: Questionnaire, start: dict[str, str] | None = None) -> Sample:
    """The answers a new assessment starts with: defaults, and the start page's answers to
    the questions the questionnaire names for it (`start`)."""
    given = start or {}
    answers = {**default_answers(questionnaire),
               **{qid: given.get(role, "") for role, qid in questionnaire.start.items()}}
    return Sample({k: v for k, v in answers.items() if v not in ("", None)}, {})


def read_sample(text: str | None, questionnaire: Questionnaire) -> Sample:
    """The sample answers a preview form carried; only the file's own questions are kept."""
    if not text:
        return Sample({}, {})
    try:
        data = json.loads(text) if len(text) <= MAX_SAMPLE_CHARS else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(
            isinstance(data.get(k), dict) for k in ("answers", "other_texts")):
        raise BadRequest("The preview's sample answers could not be read. Open the preview "
                         "again from the editor.")
    ids = {q.id for q in questionnaire.questions() if q.answerable}
    return Sample({k: v for k, v in data["answers"].items() if k in ids},
                  {k: str(v) for k, v in data["other_texts"].items() if k in ids})


def section_named(questionnaire: Questionnaire, section_id: str | None) -> Section:
    section = questionnaire.section(section_id or "")
    if section is None:
        raise NotFound(f"No step {section_id}")
    return section


def with_step_answers(questionnaire: Questionnaire, section: Section, form,
                      sample: Sample) -> Sample:
    """`sample` with the answers posted on the step's page (a MultiDict), table rows added or
    removed as its buttons asked; the preview's own fields are set aside first."""
    fields = form.copy()
    for name in PREVIEW_FIELDS:
        fields.pop(name, None)
    parsed = parse_section_form(questionnaire, section, fields, sample.answers)
    apply_row_action(parsed)
    return Sample({**sample.answers, **parsed.answers},
                  {**sample.other_texts, **parsed.other_texts})


def preview_step(questionnaire: Questionnaire, section: Section, sample: Sample,
                 language: str, *, show_errors: bool = False) -> PreviewStep:
    """The step as the wizard draws it; `show_errors` as after "Save and continue"."""
    evaluation = evaluate(questionnaire, sample.answers, language=language)
    all_steps = steps(questionnaire, sample.answers, evaluation)
    views = question_views(questionnaire, section, sample.answers, sample.other_texts,
                           evaluation, show_errors=show_errors, language=language)
    step = next(s for s in all_steps if s.section.id == section.id)
    return PreviewStep(section, step, all_steps, views, evaluation)
