"""Read-only lists of assessments that pages and commands show."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from equity_tool.assessments.wizard import evaluated
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import Assessment, Department, QuestionnaireVersion
from equity_tool.core.vocabulary import AssessmentState
from equity_tool.questionnaire import Band, Evaluation, Questionnaire

log = logging.getLogger(__name__)


def department_assessments(session: Session, *, department_id: int) -> list[Assessment]:
    """The department's assessments, most recently changed first."""
    query = (
        select(Assessment)
        .where(Assessment.department_id == department_id)
        .order_by(col(Assessment.updated_at).desc(), col(Assessment.id).desc())
    )
    return list(session.exec(query).all())


def every_assessment(session: Session, *, state: AssessmentState | None = None,
                     department_id: int | None = None, questionnaire_id: str | None = None,
                     newest_first: bool = False) -> list[tuple[Assessment, Department]]:
    """Every assessment (or those matching the filters given) with its department, oldest
    first, or most recently changed first."""
    query = (select(Assessment, Department)
             .join(Department, col(Assessment.department_id) == col(Department.id)))
    if state:
        query = query.where(Assessment.state == state)
    if department_id is not None:
        query = query.where(Assessment.department_id == department_id)
    if questionnaire_id is not None:
        query = query.where(Assessment.questionnaire_id == questionnaire_id)
    order = ((col(Assessment.updated_at).desc(), col(Assessment.id).desc()) if newest_first
             else (col(Assessment.id),))
    return list(session.exec(query.order_by(*order)).all())


def departments(session: Session) -> list[Department]:
    return list(session.exec(select(Department).order_by(col(Department.name))).all())


def questionnaire_titles(session: Session) -> dict[str, str]:
    """Questionnaire id -> the title of its newest stored version, by title."""
    titles = {v.questionnaire_id: v.title for v in session.exec(
        select(QuestionnaireVersion).order_by(col(QuestionnaireVersion.id)))}
    return dict(sorted(titles.items(), key=lambda item: item[1].lower()))


def level_choices(questionnaires: Iterable[Questionnaire]) -> dict[str, str]:
    """Impact level id -> its labels across `questionnaires` ("High / Alto"), for a filter."""
    levels: dict[str, list[str]] = {}
    for questionnaire in questionnaires:
        for band in questionnaire.scoring.level.bands if questionnaire.scoring.level else ():
            levels.setdefault(band.id, []).append(band.label.get())
    return {band: " / ".join(dict.fromkeys(labels)) for band, labels in levels.items()}


@dataclass(frozen=True)
class Row:
    """One line of a list of assessments: with its pinned questionnaire, evaluated. Either is
    None when it cannot be had: the line then says the assessment cannot be scored."""

    assessment: Assessment
    department: Department
    questionnaire: Questionnaire | None
    evaluation: Evaluation | None

    @property
    def level(self) -> Band | None:
        return self.evaluation.level if self.evaluation else None


def with_levels(session: Session, registry: Any,
                found: Iterable[tuple[Assessment, Department]]) -> Iterator[Row]:
    """Each assessment with the questionnaire it is pinned to, evaluated on its answers now."""
    for assessment, department in found:
        questionnaire, evaluation = _scored(session, registry, assessment)
        yield Row(assessment, department, questionnaire, evaluation)


def _scored(session: Session, registry: Any, assessment: Assessment):
    """(pinned questionnaire, evaluation), each None when it cannot be had: one assessment
    that cannot be read or scored must not take down a page that lists many."""
    try:
        questionnaire = registry.pinned(session, assessment.questionnaire_id,
                                        assessment.questionnaire_version)
    except NotFound:
        log.error("assessment %s: its questionnaire version cannot be read", assessment.id)
        return None, None
    try:
        return questionnaire, evaluated(assessment, questionnaire)
    except Exception:
        log.exception("assessment %s cannot be scored", assessment.id)
        return questionnaire, None


def department_rows(session: Session, registry: Any, *, department_id: int) -> list[Row]:
    """The department's assessments for its home page, most recently changed first."""
    department = session.get(Department, department_id)
    found = department_assessments(session, department_id=department_id)
    return list(with_levels(session, registry, ((a, department) for a in found)))


def awaiting_signoff_rows(session: Session, registry: Any, *, department_id: int) -> list[Row]:
    """The department's assessments waiting for its director's sign-off, oldest first."""
    found = session.exec(
        select(Assessment, Department)
        .join(Department, col(Assessment.department_id) == col(Department.id))
        .where(Assessment.department_id == department_id,
               Assessment.state == AssessmentState.AWAITING_SIGNOFF)
        .order_by(col(Assessment.updated_at), col(Assessment.id)))
    return list(with_levels(session, registry, found))


def filtered_rows(session: Session, registry: Any, chosen: dict[str, str]) -> list[Row]:
    """Every assessment matching `chosen` (filters already checked), most recently changed
    first, for the administrator's home."""
    found = every_assessment(
        session, newest_first=True,
        state=AssessmentState(chosen["state"]) if "state" in chosen else None,
        department_id=int(chosen["department"]) if "department" in chosen else None,
        questionnaire_id=chosen.get("questionnaire"))
    return list(with_levels(session, registry, found))


def filter_choices(session: Session) -> dict[str, dict[str, str]]:
    """For each filter of a list of every assessment, value -> the words on its option."""
    return {
        "department": {str(d.id): d.name for d in departments(session)},
        "state": {state.value: state.value.capitalize() for state in AssessmentState},
        "questionnaire": questionnaire_titles(session),
    }


def assessment_titles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Assessment id -> title for the rows a list shows, read after its limit: an assessment's
    row holds its answers, so joining it before the limit would read thousands of them."""
    ordered, titles = sorted(set(ids)), {}
    for start in range(0, len(ordered), _CHUNK):  # a whole CSV may name thousands
        chunk = ordered[start:start + _CHUNK]
        titles.update(session.exec(select(Assessment.id, Assessment.title)
                                   .where(col(Assessment.id).in_(chunk))).all())
    return titles


_CHUNK = 500  # ids per query, well under every database's limit on bound parameters
