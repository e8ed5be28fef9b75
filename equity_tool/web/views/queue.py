"""The equity officer's queue: what waits for review, filtered from the query string."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from sqlmodel import Session

from equity_tool.core.models import Assessment, Department, utcnow
from equity_tool.core.vocabulary import AssessmentState as State
from equity_tool.questionnaire import Band, Questionnaire, evaluate
from equity_tool.review import lists as review_lists
from equity_tool.web.views.filters import chosen_filters

STATES = (State.SUBMITTED, State.RESUBMITTED, State.IN_REVIEW)
WAITING = {"7": "More than 7 days", "14": "More than 14 days", "30": "More than 30 days"}
# field name -> what the person chose, for the error message
FILTERS = {"department": "a department", "questionnaire": "a questionnaire",
           "level": "an impact level", "state": "a state", "waiting": "a waiting time"}


@dataclass(frozen=True)
class Row:
    assessment: Assessment
    department: Department
    questionnaire: Questionnaire
    level: Band | None
    waited_days: int


def _choices(session: Session, registry) -> dict[str, dict[str, str]]:
    """For each filter, value -> the words on its option."""
    levels: dict[str, list[str]] = {}
    for questionnaire in registry.all_offered():
        for band in questionnaire.scoring.level.bands if questionnaire.scoring.level else ():
            levels.setdefault(band.id, []).append(band.label.get())
    return {
        "department": {str(d.id): d.name for d in review_lists.departments(session)},
        "questionnaire": review_lists.questionnaire_titles(session),
        "level": {band: " / ".join(dict.fromkeys(labels)) for band, labels in levels.items()},
        "state": {state.value: state.value.capitalize() for state in STATES},
        "waiting": WAITING,
    }


def _rows(session: Session, registry, chosen: dict[str, str]) -> list[Row]:
    now = utcnow()
    rows = []
    for assessment, department in review_lists.awaiting_review(
        session,
        department_id=int(chosen["department"]) if "department" in chosen else None,
        questionnaire_id=chosen.get("questionnaire"),
        waited_days=int(chosen["waiting"]) if "waiting" in chosen else None,
        now=now,
    ):
        questionnaire = registry.pinned(session, assessment.questionnaire_id,
                                        assessment.questionnaire_version)
        level = evaluate(questionnaire, assessment.answers, language=assessment.language).level
        if "level" in chosen and (level is None or level.id != chosen["level"]):
            continue
        waited = (now - assessment.submitted_at).days if assessment.submitted_at else 0
        rows.append(Row(assessment, department, questionnaire, level, waited))
    return rows


def queue_page(session: Session, args: Mapping[str, str]) -> Any:
    registry = current_app.extensions["equity_tool.registry"]
    choices = _choices(session, registry)
    chosen, errors = chosen_filters(args, choices, FILTERS)
    rows = _rows(session, registry, chosen)
    # Counts follow the other filters, so each says what choosing that state would show.
    counts = Counter(row.assessment.state for row in rows)
    if "state" in chosen:
        rows = [row for row in rows if row.assessment.state == chosen["state"]]
    page = render_template("review/queue.html", rows=rows, choices=choices, chosen=chosen,
                           counts=[(state, counts[state]) for state in STATES], errors=errors)
    return page, 400 if errors else 200
