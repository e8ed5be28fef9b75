"""Carrying answers from one questionnaire to another by question id: a draft moving to a newer
version of its questionnaire, or a rapid check escalating to the full assessment.

Nothing is dropped silently: every answered question either carries over (perhaps in part) or
is left behind with its answer as the person reads it and why, in words a person understands
(the question is not asked there, a choice is no longer offered, a column is gone, the type
changed, or the value breaks one of the new file's rules, with that rule's own message).
Pure: no web framework, no database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from .answertypes import TYPES, CheckContext, is_unanswered, table_rows
from .evaluate import evaluate
from .model import Question, Questionnaire

# What a question of each type asks for, for "the question now asks for …".
TYPE_NAMES = {
    "text": "a short text", "long_text": "a longer text", "number": "a number",
    "date": "a date", "email": "an email address", "url": "a web address",
    "yes_no": "yes or no", "single_choice": "one choice from a list",
    "multi_choice": "choices from a list", "scale": "a rating on a scale", "table": "a table",
}
MAX_ROUNDS = 5  # leaving an answer behind can break a rule that named it; settles in one or two


@dataclass(frozen=True)
class LeftBehind:
    """An answer (or the part of one) that could not be carried over, as the person wrote it."""

    question_id: str
    label: str
    value: str
    reason: str


@dataclass(frozen=True)
class CarryOver:
    answers: dict[str, Any]  # what the new questionnaire keeps, by question id
    other_texts: dict[str, str]
    carried: tuple[str, ...]  # question ids carried over (in full or in part), file order
    left_behind: tuple[LeftBehind, ...]  # file order of the old questionnaire

    def is_complete(self, answers: dict[str, Any]) -> bool:
        """Every answered question is carried over or listed as left behind."""
        accounted = set(self.carried) | {item.question_id for item in self.left_behind}
        return all(qid in accounted for qid, raw in answers.items() if not is_unanswered(raw))


@dataclass
class _Work:
    old: Questionnaire
    new: Questionnaire
    language: str
    target: str
    kept: dict[str, Any] = dataclasses.field(default_factory=dict)
    left: dict[str, LeftBehind] = dataclasses.field(default_factory=dict)

    def leave(self, question: Question, value: str, reason: str, *, whole: bool = False) -> None:
        """Record what is left behind; a second reason for the same answer joins the first."""
        earlier = self.left.get(question.id)
        if earlier is not None:
            reason = f"{earlier.reason}; {reason}"
        label = question.label.get(self.language) if question.label else question.id
        self.left[question.id] = LeftBehind(question.id, label.strip(), value, reason)
        if whole:
            self.kept.pop(question.id, None)


def carry_over(
    old: Questionnaire,
    new: Questionnaire,
    answers: dict[str, Any],
    other_texts: dict[str, str] | None = None,
    *,
    language: str | None = None,
    today: dt.date | None = None,
) -> CarryOver:
    """Which of `answers` (to `old`) `new` keeps, and which it cannot, with the reason."""
    language = language or old.default_language
    target = f"version {new.version}" if new.id == old.id else f"“{new.title.get(language)}”"
    work = _Work(old, new, language, target)
    others = other_texts or {}
    for question in old.questions():
        raw = answers.get(question.id)
        if question.answerable and not is_unanswered(raw):
            _carry_one(work, question, new.question(question.id), raw, others.get(question.id))
    _leave_invalid(work, answers, others, today or dt.date.today())
    kept_others = _other_texts(work, others)
    order = [q.id for q in old.questions()]
    return CarryOver(
        answers=work.kept,
        other_texts=kept_others,
        carried=tuple(qid for qid in order if qid in work.kept),
        left_behind=tuple(work.left[qid] for qid in order if qid in work.left),
    )


def shown(question: Question, raw: Any, other: str | None, language: str) -> str:
    """An answer as the person reads it on the check-answers page."""
    return TYPES[question.type].display_with_other(question, raw, other, language)


def _carry_one(work: _Work, old_q: Question, new_q: Question | None, raw: Any,
               other: str | None) -> None:
    if new_q is None or not new_q.answerable:
        work.leave(old_q, shown(old_q, raw, other, work.language), f"Not asked in {work.target}")
    elif old_q.type != new_q.type:
        _carry_retyped(work, old_q, new_q, raw, other)
    elif old_q.type == "single_choice":
        _carry_single(work, old_q, new_q, raw, other)
    elif old_q.type == "multi_choice":
        _carry_multi(work, old_q, new_q, raw, other)
    elif old_q.type == "table":
        _carry_table(work, old_q, new_q, raw)
    else:
        work.kept[old_q.id] = raw


def _carry_retyped(work: _Work, old_q: Question, new_q: Question, raw: Any,
                   other: str | None) -> None:
    """A changed type keeps an answer the new type accepts as it is (a text now a long text)."""
    if new_q.type == "multi_choice" and isinstance(raw, str):
        raw = [raw]  # one choice picked is a list of one where several may be picked
    context = CheckContext(work.language, dt.date.today(), {})
    _, problem = TYPES[new_q.type].check(new_q, raw, context)
    if problem is None and not (new_q.type == "table" and new_q.rows_from):
        work.kept[old_q.id] = raw
        return
    work.leave(old_q, shown(old_q, raw, other, work.language),
               f"The question now asks for {TYPE_NAMES[new_q.type]} instead of "
               f"{TYPE_NAMES[old_q.type]}")


def _carry_single(work: _Work, old_q: Question, new_q: Question, raw: Any,
                  other: str | None) -> None:
    if isinstance(raw, str) and old_q.choice(raw) and new_q.choice(raw) is None:
        label = old_q.choice(raw).label.get(work.language)
        work.leave(old_q, shown(old_q, raw, other, work.language),
                   f"The choice “{label}” is no longer offered")
        return
    work.kept[old_q.id] = raw  # a value that was never a choice is judged with the rest


def _carry_multi(work: _Work, old_q: Question, new_q: Question, raw: Any,
                 other: str | None) -> None:
    picked = raw if isinstance(raw, list) else [raw]
    gone = [p for p in picked if isinstance(p, str) and old_q.choice(p) and not new_q.choice(p)]
    if not gone:
        work.kept[old_q.id] = raw
        return
    labels = [old_q.choice(p).label.get(work.language) for p in gone]
    are = "is" if len(gone) == 1 else "are"
    work.leave(old_q, shown(old_q, gone, other, work.language),
               f"{_listed(labels)} {are} no longer offered")
    rest = [p for p in picked if p not in gone]
    if rest:
        work.kept[old_q.id] = rest  # the choices still offered stay picked


def _carry_table(work: _Work, old_q: Question, new_q: Question, raw: Any) -> None:
    kept_ids = {c.id for c in new_q.columns} | {"row"}
    gone = [c for c in old_q.columns if c.id not in kept_ids]
    rows = raw if isinstance(raw, list) else []
    lost = [c for c in gone if any(isinstance(r, dict) and not is_unanswered(r.get(c.id))
                                   for r in rows)]
    if lost:
        work.leave(old_q, _cells(work, old_q, raw, lost), _columns_gone(lost, work.language))
    if gone and isinstance(raw, list):
        raw = [{k: v for k, v in row.items() if k in kept_ids} if isinstance(row, dict) else row
               for row in raw]
    if not is_unanswered(raw):
        work.kept[old_q.id] = raw


def _cells(work: _Work, table: Question, raw: Any, columns: list[Question]) -> str:
    """The cells of `columns`, one line per row: "Row 1: Cost: 300"."""
    lines = []
    for _key, label, row in table_rows(work.old, table, raw, {}, work.language):
        cells = [f"{c.label.get(work.language) if c.label else c.id}: "
                 f"{TYPES[c.type].display(c, row.get(c.id), work.language)}"
                 for c in columns if not is_unanswered(row.get(c.id))]
        if cells:
            lines.append(f"{label}: {'; '.join(cells)}")
    return "\n".join(lines)


def _columns_gone(columns: list[Question], language: str) -> str:
    labels = [c.label.get(language) if c.label else c.id for c in columns]
    if len(labels) == 1:
        return f"The column {_listed(labels)} is no longer in the table"
    return f"The columns {_listed(labels)} are no longer in the table"


def _listed(labels: list[str]) -> str:
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def _leave_invalid(work: _Work, answers: dict[str, Any], others: dict[str, str],
                   today: dt.date) -> None:
    """Leave behind what breaks the new file's rules: its types, bounds and `validate` rules
    (visible answers, judged by `evaluate`) and its types and bounds (hidden ones)."""
    incomplete: set[str] = set()  # tables kept although new required cells are empty
    for _ in range(MAX_ROUNDS):
        evaluation = evaluate(work.new, work.kept, language=work.language, today=today)
        context = CheckContext(work.language, today, evaluation.values)
        broken = dict(evaluation.invalid)
        for qid in evaluation.hidden:
            if qid in work.kept:
                question = work.new.question(qid)
                _, problem = TYPES[question.type].check(question, work.kept[qid], context)
                if problem:
                    broken[qid] = problem
        incomplete |= {qid for qid in broken if _only_cells_missing(work, qid, context)}
        broken = {qid: message for qid, message in broken.items()
                  if qid in work.kept and qid not in incomplete}
        if not broken:
            return
        for qid, message in broken.items():
            old_q = work.old.question(qid)
            work.leave(old_q, shown(old_q, answers[qid], others.get(qid), work.language),
                       message, whole=True)


def _only_cells_missing(work: _Work, qid: str, context: CheckContext) -> bool:
    """A table whose rows are valid but for cells of required columns left empty (a column
    the new version added, say) is kept, to be completed like any unanswered question."""
    question = work.new.question(qid)
    if question is None or question.type != "table" or qid not in work.kept:
        return False
    relaxed = dataclasses.replace(question, columns=tuple(
        dataclasses.replace(column, required=False) for column in question.columns))
    _, problem = TYPES["table"].check(relaxed, work.kept[qid], context)
    return problem is None


def _other_texts(work: _Work, others: dict[str, str]) -> dict[str, str]:
    """The texts typed beside an "other" choice still picked and still asking for one."""
    kept = {}
    for qid, text in others.items():
        if not text or qid not in work.kept:
            continue
        question = work.new.question(qid)
        value = work.kept[qid]
        picked = value if isinstance(value, list) else [value]
        if any((c := question.choice(p)) is not None and c.other for p in picked):
            kept[qid] = text
        elif qid not in work.left:
            work.leave(work.old.question(qid), text,
                       "The choice it described no longer asks for a description")
    return kept
