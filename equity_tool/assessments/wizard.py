"""What the wizard shows: step statuses, the questions of a step, the next step.

Pure functions over a questionnaire, the stored answers and their evaluation, so the pages
and their tests agree on what "completed" or "cannot start yet" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from equity_tool.questionnaire import (
    TYPES,
    Evaluation,
    Question,
    Questionnaire,
    Section,
    evaluate,
    is_unanswered,
    table_rows,
)


class StepStatus(StrEnum):
    """The words people read on the task list."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    CANNOT_START = "Cannot start yet"
    NOT_NEEDED = "Not needed"


@dataclass(frozen=True)
class Step:
    section: Section
    status: StepStatus
    number: int

    @property
    def open(self) -> bool:
        return self.status not in (StepStatus.CANNOT_START, StepStatus.NOT_NEEDED)


@dataclass(frozen=True)
class QuestionView:
    question: Question
    value: Any
    error: str | None
    required: bool
    visible: bool
    other: str | None = None
    rows: tuple = ()  # for tables: (field prefix, row label, row values, removable)


def steps(questionnaire: Questionnaire, answers: dict, evaluation: Evaluation) -> list[Step]:
    return [
        Step(section, _status(questionnaire, section, answers, evaluation), number)
        for number, section in enumerate(questionnaire.sections, start=1)
    ]


def _status(questionnaire, section: Section, answers: dict, evaluation: Evaluation) -> StepStatus:
    if section.id in evaluation.hidden_sections:
        undecided = section.id in evaluation.undecided_sections
        return StepStatus.CANNOT_START if undecided else StepStatus.NOT_NEEDED
    visible = [q for q in section.questions if q.answerable and evaluation.is_visible(q.id)]
    answered = [q for q in visible if not is_unanswered(answers.get(q.id))]
    if not answered:
        return StepStatus.NOT_STARTED
    unfinished = any(q.id in evaluation.missing or q.id in evaluation.invalid for q in visible)
    return StepStatus.IN_PROGRESS if unfinished else StepStatus.COMPLETED


def next_step(all_steps: list[Step], section_id: str) -> Step | None:
    """The first open step after `section_id`, or None when it was the last."""
    ids = [s.section.id for s in all_steps]
    after = all_steps[ids.index(section_id) + 1 :] if section_id in ids else []
    return next((s for s in after if s.open), None)


def question_views(
    questionnaire: Questionnaire,
    section: Section,
    answers: dict,
    other_texts: dict,
    evaluation: Evaluation,
    *,
    show_errors: bool,
    language: str | None,
) -> list[QuestionView]:
    views = []
    for question in section.questions:
        value = answers.get(question.id)
        error = None
        if show_errors:
            error = evaluation.invalid.get(question.id)
            if question.id in evaluation.missing:
                error = TYPES[question.type].missing_message(question, language)
        views.append(
            QuestionView(
                question=question,
                value=value,
                error=error,
                required=question.id in evaluation.required,
                visible=evaluation.is_visible(question.id)
                and section.id not in evaluation.hidden_sections,
                other=other_texts.get(question.id),
                rows=_rows(questionnaire, question, value, answers, language),
            )
        )
    return views


def _rows(questionnaire, question: Question, value: Any, answers: dict, language) -> tuple:
    """(field prefix, row label, row values, removable) for each row of a table to edit."""
    if question.type != "table":
        return ()
    rows = table_rows(questionnaire, question, value, answers, language)
    if not rows and not question.rows_from:
        rows = [("0", "Row 1", {})]  # an empty table shows one blank row to start typing in
    removable = not question.rows_from
    return tuple((f"{question.id}--{key}", label, row, removable) for key, label, row in rows)


def evaluated(assessment: Any, questionnaire: Questionnaire,
              answers: dict | None = None) -> Evaluation:
    """The questionnaire evaluated on the assessment's answers (or `answers`, as typed), in
    the assessment's language."""
    answers = assessment.answers if answers is None else answers
    return evaluate(questionnaire, answers, language=assessment.language)


def has_conditions(questionnaire) -> bool:
    """Whether an answer can change what a step shows: a show_if (questions appear or hide)
    or a `required` expression (a label gains or loses "(optional)")."""
    return any(s.show_if for s in questionnaire.sections) or any(
        q.show_if or not isinstance(q.required, bool) for q in questionnaire.questions())


def to_redraw(section, before, after, old_answers, new_answers) -> list[str]:
    """Questions whose block must be redrawn: shown or hidden now, or a table whose rows
    follow a choice that changed. Nothing else is touched, so no one's typing is disturbed."""
    return [
        q.id for q in section.questions
        if (before is not None and before.is_visible(q.id) != after.is_visible(q.id))
        or (q.rows_from and old_answers.get(q.rows_from) != new_answers.get(q.rows_from))
    ]


def to_relabel(section, before, after, redrawn=()) -> list[str]:
    """Questions shown before and after whose required-ness changed (their label gains or
    loses "(optional)"), and whose block is not redrawn anyway. Only the label is redrawn:
    the person may already be typing in the field, which must not be replaced."""
    if before is None:
        return []
    return [
        q.id for q in section.questions
        if q.id not in redrawn and before.is_visible(q.id) and after.is_visible(q.id)
        and (q.id in before.required) != (q.id in after.required)
    ]
