"""Evaluate a set of answers: visibility, required questions, validation, scores, level, flags.

The order of work follows the format: questions are resolved in file order (a `show_if` sees
only earlier answers); a hidden or invalid answer counts as null everywhere. `validate` rules
may name any question, so they run once every answer is resolved; an answer that breaks one
is then treated as null and the answers are resolved again, until nothing changes (one extra
round in practice). A rule always sees its own question's value, so it cannot flip itself.

Extension (docs/questionnaire-engine.md, "Not yet known"): a score or flag that reads
questions, every one of them unanswered, is not yet known; a waiting flag is not raised and a
waiting score gives no band, so a brand-new assessment has no verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .answertypes import TYPES, CheckContext, is_unanswered
from .expressions import Env
from .model import Band, Flag, Question, Questionnaire
from .values import is_number, plain_number, truth

MAX_ROUNDS = 5


@dataclass
class Evaluation:
    values: dict[str, Any]  # question and score ids -> value in expressions (null when hidden)
    hidden: list[str]  # answerable questions hidden by show_if, file order
    hidden_sections: set[str]
    undecided_sections: set[str]  # hidden because their show_if cannot tell yet (null)
    required: set[str]  # visible questions that must be answered
    missing: list[str]
    invalid: dict[str, str]  # question id -> the message a person reads
    scores: dict[str, Any] = field(default_factory=dict)
    level: Band | None = None
    flags: list[Flag] = field(default_factory=list)  # raised flags, file order
    # Not yet known (see "Not yet known" in docs/questionnaire-engine.md): scores whose
    # questions are all unanswered, and flags that wait for an answer; neither is raised.
    pending_scores: list[str] = field(default_factory=list)
    pending_flags: list[Flag] = field(default_factory=list)
    # Why `level` is None although the file has a level block: "waiting" (its score is not
    # yet known) or "null" (its score cannot be computed from the answers given). None when
    # the level is known or the file has no level.
    level_reason: str | None = None

    def is_visible(self, question_id: str) -> bool:
        return question_id not in self.hidden

    @property
    def level_not_yet_known(self) -> bool:
        """The file has an impact level, but the answers do not tell it yet."""
        return self.level_reason is not None

    def score_known(self, score_id: str) -> bool:
        """The score has a value that counts: not null and not waiting for answers."""
        return self.scores.get(score_id) is not None and score_id not in self.pending_scores

    @property
    def escalations(self) -> list[Flag]:
        return [flag for flag in self.flags if flag.escalate_to]

    def summary(self, questionnaire: Questionnaire) -> dict[str, Any]:
        """The JSON object that `questionnaires score` prints."""
        return {
            "questionnaire": questionnaire.id,
            "version": questionnaire.version,
            "scores": self.scores,
            "level": self.level.id if self.level else None,
            "flags": [flag.id for flag in self.flags],
            "hidden": self.hidden,
            "missing": self.missing,
            "invalid": self.invalid,
        }


@dataclass
class _Round:
    values: dict[str, Any]
    typed: dict[str, Any]  # visible, answered, type-valid values (before rule failures)
    hidden: list[str]
    hidden_sections: set[str]
    invalid: dict[str, str]
    undecided_sections: set[str] = field(default_factory=set)


def evaluate(
    questionnaire: Questionnaire,
    answers: dict[str, Any],
    *,
    language: str | None = None,
    today: dt.date | None = None,
) -> Evaluation:
    """Everything the format derives from `answers` (question id -> stored answer)."""
    language = language or questionnaire.default_language
    today = today or dt.date.today()
    broken: dict[str, str] = {}
    for _ in range(MAX_ROUNDS):
        state = _resolve(questionnaire, answers, language, today, broken)
        failures = _broken_rules(questionnaire, state, language, today)
        if failures == broken:
            break
        broken = failures
    state.invalid.update(
        {qid: message for qid, message in failures.items() if qid not in state.hidden}
    )
    env = _env(questionnaire, state.values, today)
    result = Evaluation(
        values=state.values,
        hidden=state.hidden,
        hidden_sections=state.hidden_sections,
        undecided_sections=state.undecided_sections,
        required=_required(questionnaire, state, env),
        missing=[],
        invalid=state.invalid,
    )
    result.missing = [
        q.id for q in questionnaire.questions()
        if q.id in result.required and q.id not in state.typed and q.id not in state.invalid
    ]  # fmt: skip
    _score(questionnaire, env, result)
    return result


def _resolve(questionnaire, answers, language, today, broken) -> _Round:
    values: dict[str, Any] = {}
    state = _Round(values, {}, [], set(), {})
    context = CheckContext(language, today, values)
    env = _env(questionnaire, values, today)
    for section in questionnaire.sections:
        shown = True if section.show_if is None else truth(section.show_if(env))
        section_visible = shown is True
        if not section_visible:
            state.hidden_sections.add(section.id)
            if shown is None:
                state.undecided_sections.add(section.id)
        for question in section.questions:
            if not question.answerable:
                continue
            visible = section_visible and (
                question.show_if is None or truth(question.show_if(env)) is True
            )
            values[question.id] = None
            if not visible:
                state.hidden.append(question.id)
                continue
            raw = answers.get(question.id)
            if is_unanswered(raw):
                continue
            value, problem = TYPES[question.type].check(question, raw, context)
            if problem:
                state.invalid[question.id] = problem
            elif value is not None:
                state.typed[question.id] = value
                values[question.id] = None if question.id in broken else value
    return state


def _broken_rules(questionnaire, state: _Round, language, today) -> dict[str, str]:
    failures = {}
    values = state.values
    env = _env(questionnaire, values, today)
    for question in questionnaire.questions():
        if not question.validate or question.id not in state.typed:
            continue
        own = values[question.id]
        values[question.id] = state.typed[question.id]  # a rule judges its own answer
        for rule in question.validate:
            if truth(rule.expression(env)) is False:
                failures[question.id] = rule.message.get(language)
                break
        values[question.id] = own
    return failures


def _required(questionnaire: Questionnaire, state: _Round, env: Env) -> set[str]:
    required = set()
    for question in questionnaire.questions():
        if not question.answerable or question.id in state.hidden:
            continue
        rule = question.required
        if rule is True or (not isinstance(rule, bool) and truth(rule(env)) is True):
            required.add(question.id)
    return required


def _score(questionnaire: Questionnaire, env: Env, result: Evaluation) -> None:
    scoring = questionnaire.scoring
    questions = _questions_read(questionnaire)
    for score in scoring.scores:
        value = plain_number(score.formula(env))
        env.values[score.id] = value
        result.scores[score.id] = value
        if _waits(questions[score.id], env.values):
            result.pending_scores.append(score.id)
    level = scoring.level
    band = None
    if level and level.source not in result.pending_scores:
        band = level.band_for(result.scores.get(level.source))
    for flag in scoring.flags:
        if _waits(questions[("flag", flag.id)], env.values):
            result.pending_flags.append(flag)
        elif truth(flag.when(env)) is True:
            result.flags.append(flag)
            if (
                flag.min_level
                and level
                and (band is None or level.rank(flag.min_level) > level.rank(band.id))
            ):
                band = level.bands[level.rank(flag.min_level)]
    result.level = band
    if level and band is None:
        result.level_reason = "waiting" if level.source in result.pending_scores else "null"


def _waits(questions: frozenset[str], values: dict[str, Any]) -> bool:
    """Not yet known: it reads questions, and every one is unanswered, hidden or invalid."""
    return bool(questions) and all(values.get(qid) is None for qid in questions)


def _questions_read(questionnaire: Questionnaire) -> dict[Any, frozenset[str]]:
    """The questions each score and flag reads, directly or through the scores it reads.

    Keyed by score id, and by ("flag", flag id); names used only inside `answered()` do not
    count (the rule asks whether they are answered, which is known from the start).
    """
    table = questionnaire.__dict__.get("_questions_read")
    if table is None:
        table = {}
        scoring = questionnaire.scoring
        question_ids = {q.id for q in questionnaire.questions() if q.answerable}

        def through(expression) -> frozenset[str]:
            read = expression.values_read
            found = set(read & question_ids)
            for name in read - question_ids:
                found |= table.get(name, frozenset())  # an earlier score
            return frozenset(found)

        for score in scoring.scores:
            table[score.id] = through(score.formula)
        for flag in scoring.flags:
            table[("flag", flag.id)] = through(flag.when)
        object.__setattr__(questionnaire, "_questions_read", table)
    return table


def _env(questionnaire: Questionnaire, values: dict[str, Any], today: dt.date) -> Env:
    points = _points_table(questionnaire)

    def points_of(question_id: str, value: Any) -> Any:
        table = points[question_id]
        if value is None:
            return 0
        if table is None:  # scale: its value is its points
            return value if is_number(value) else 0
        picked = value if isinstance(value, list) else [value]
        return plain_number(sum(table.get(item, 0) for item in picked))

    def column(table_id: str, column_id: str, value: Any) -> list:
        if not isinstance(value, list):
            return []
        return [row.get(column_id) for row in value if row.get(column_id) is not None]

    return Env(values, today, points_of, column)


def _points_table(questionnaire: Questionnaire) -> dict[str, dict[str, Any] | None]:
    """Points by answer value for each question points() may name (None for a scale)."""
    # Built once per loaded questionnaire and kept on it: evaluation runs on every autosave.
    table = questionnaire.__dict__.get("_points_table")
    if table is None:
        table = {q.id: _points_of(q) for q in questionnaire.questions()}
        object.__setattr__(questionnaire, "_points_table", table)
    return table


def _points_of(question: Question) -> dict[str, Any] | None:
    if question.type == "scale":
        return None
    if question.type == "yes_no":
        return dict(question.points or {})
    return {c.value: c.points or 0 for c in question.choices}
