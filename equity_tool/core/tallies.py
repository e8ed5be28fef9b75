"""Figures kept as the data changes: how many assessments (their flags, follow-up items and
decisions) share each key the dashboard and the annual report count by.

Counting a year of 20,000 assessments row by row takes a hundred times as long as a year of
200; the tallies hold one row per key (kind, year, department, questionnaire, ...), so a
year's figures are a few hundred rows however many assessments there are.

Each assessment's *contribution* (the keys it adds one to, `contributions`) is worked out
from its rows and stored beside it. After a change to an assessment, its items, flags, events
or submissions, the use case calls `refresh` in its own transaction: the contribution is
worked out again and only the difference moves into the tallies. `rebuild` works out every
contribution afresh; `ensure` (called by `flask db upgrade` and by every page that counts)
rebuilds when the tallies were never counted or were counted in another time zone, since a
year is a calendar year in the city's time zone. Until then `refresh` keeps nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from equity_tool.core.models import (
    Assessment,
    AssessmentEvent,
    AssessmentFlag,
    AssessmentTally,
    FollowUpItem,
    Submission,
    Tally,
    TallyBasis,
    utcnow,
)
from equity_tool.core.vocabulary import AssessmentState

CHUNK = 500  # assessments read at a time by a rebuild


class Tallied(StrEnum):
    """What a tally counts, and the date that places it in a year (`Key.year`)."""

    # Assessments started (created) in the year, by state, by impact level ("" for none),
    # those sent to the equity officer at least once, those returned at least once, and
    # their flags (`what` the flag id, `detail` its severity): the dashboard's.
    STATE = "state"
    LEVEL = "level"
    REACHED = "reached"
    RETURNED = "returned"
    FLAG = "flag"
    # Assessments completed (approved, and approved still) in the year, by level, and their
    # flags: the annual report's.
    COMPLETED = "completed"
    COMPLETED_FLAG = "completed flag"
    # Decisions of the year: returns, approvals (events that changed the state), assessments
    # returned at least once in the year, and first submissions.
    RETURNS = "returns"
    RETURNED_IN_YEAR = "returned in year"
    APPROVALS = "approvals"
    FIRST_SUBMISSIONS = "first submissions"
    # Follow-up items by the year they are due (0: no due date) and `other_year` the year
    # they were made; `what` the kind, `detail` the status. Items with a due date again, by
    # the month they are due (`what`, "01" to "12") and status: what is overdue this year
    # needs counting to the day only within this month.
    ITEM = "item"
    DUE_MONTH = "due month"


class Key(NamedTuple):
    kind: str
    year: int
    department_id: int
    questionnaire_id: str
    what: str = ""
    detail: str = ""
    other_year: int = 0


# --- reading ----------------------------------------------------------------------------------


def ensure(session: Session, timezone: str) -> None:
    """Count everything afresh if the tallies were never counted or counted in another time
    zone (and commit); otherwise one small read."""
    if kept_in(session) != timezone:
        rebuild(session, timezone)
        session.commit()


def kept_in(session: Session) -> str | None:
    """The time zone the tallies are kept in; None: not kept yet."""
    return session.execute(select(TallyBasis.timezone).where(TallyBasis.id == 1)).scalar()


def tally(*group_by: Any) -> sa.Select:
    """SELECT the `group_by` columns of Tally and the sum of their counts, grouped by them;
    the caller adds the conditions (its kind, year and filters)."""
    total = sa.func.sum(Tally.count).label("total")
    return (select(*group_by, total).select_from(Tally).group_by(*group_by)
            .having(sa.func.sum(Tally.count) != 0))


# --- keeping ----------------------------------------------------------------------------------


def refresh(session: Session, *assessment_ids: int) -> None:
    """Move the change in these assessments' contributions into the tallies (in the caller's
    transaction, after its own writes). Nothing to do while the tallies are not kept."""
    # Shared with other refreshes, exclusive with a rebuild: a refresh waits for a rebuild
    # to commit, then starts from its result.
    zone = session.execute(select(TallyBasis.timezone).where(TallyBasis.id == 1)
                           .with_for_update(read=True)).scalar()
    if zone is None or not assessment_ids:
        return
    ids = sorted(set(assessment_ids))
    hold(session, *ids)
    new = contributions(session, ids, ZoneInfo(zone))
    delta: Counter[Key] = Counter()
    for keys in _stored(session, ids).values():
        delta.subtract(keys)
    for keys in new.values():
        delta.update(keys)
    _add(session, delta)
    _store(session, new)


def hold(session: Session, *assessment_ids: int) -> None:
    """Lock these assessments' rows until the transaction ends (PostgreSQL; SQLite has one
    writer at a time): two changes to one assessment's figures take turns, so the second
    compares with what the first stored. A use case that changes an item before its
    assessment's figures holds the assessment first, the order the workflow locks in (the
    assessment, then its items), so that neither waits for the other forever."""
    session.execute(select(Assessment.id).where(col(Assessment.id).in_(sorted(assessment_ids)))
                    .with_for_update())


def rebuild(session: Session, timezone: str) -> None:
    """Count every assessment afresh, in `timezone` (in the caller's transaction)."""
    _lock_basis(session, timezone)
    session.execute(sa.delete(Tally))
    session.execute(sa.delete(AssessmentTally))
    ids = list(session.execute(select(Assessment.id).order_by(col(Assessment.id))).scalars())
    total: Counter[Key] = Counter()
    for chunk in _chunks(ids):
        found = contributions(session, chunk, ZoneInfo(timezone))
        for keys in found.values():
            total.update(keys)
        _store(session, found)
    _add(session, total)


def _lock_basis(session: Session, timezone: str) -> None:
    """Set the basis row's time zone: the write holds the row for this transaction, once
    any refresh under way has committed."""
    values = {"id": 1, "timezone": timezone, "built_at": utcnow()}
    session.execute(_upsert(session, TallyBasis.__table__, ["id"], values,
                            ["timezone", "built_at"]))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _stored(session: Session, ids: list[int]) -> dict[int, Counter[Key]]:
    found = session.execute(select(AssessmentTally.assessment_id, AssessmentTally.keys)
                            .where(col(AssessmentTally.assessment_id).in_(ids)))
    return {assessment_id: Counter({Key(*key[:-1]): key[-1] for key in keys})
            for assessment_id, keys in found}


def _store(session: Session, contributed: dict[int, Counter[Key]]) -> None:
    if not contributed:
        return
    rows = [{"assessment_id": assessment_id, "keys": [[*key, n] for key, n in sorted(keys.items())]}
            for assessment_id, keys in sorted(contributed.items())]
    session.execute(_upsert(session, AssessmentTally.__table__, ["assessment_id"], rows,
                            ["keys"]))


def _add(session: Session, delta: Counter[Key]) -> None:
    """Add each key's change to its tally, in key order (two transactions adding to the same
    tallies lock them in the same order, so neither waits for the other forever)."""
    rows = [{**key._asdict(), "count": n} for key, n in sorted(delta.items()) if n]
    if not rows:
        return
    table = Tally.__table__
    statement = _insert(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=list(Key._fields),
        set_={"count": table.c.count + statement.excluded["count"]})
    session.execute(statement, rows)


def _insert(session: Session, table: sa.Table):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _upsert(session: Session, table: sa.Table, key: list[str], rows: Any,
            replace: list[str]) -> Any:
    statement = _insert(session, table)
    statement = statement.on_conflict_do_update(
        index_elements=key, set_={name: statement.excluded[name] for name in replace})
    return statement.values(rows)


# --- what an assessment adds ------------------------------------------------------------------


def contributions(session: Session, ids: Iterable[int], zone: ZoneInfo) -> dict[int, Counter[Key]]:
    """assessment id -> the keys it adds to (and how much), from its rows as they are now;
    an id that is not (or no longer) an assessment adds nothing."""
    ids = list(ids)
    found: dict[int, Counter[Key]] = {}
    for chunk in _chunks(ids):
        found.update(_contributions(session, chunk, zone))
    return found


class _Of(NamedTuple):
    """What every key of one assessment shares."""

    department_id: int
    questionnaire_id: str
    started: int  # the year it was created
    completed: int | None  # the year it was approved, if it is approved


def _contributions(session: Session, ids: list[int], zone: ZoneInfo) -> dict[int, Counter[Key]]:
    def year(stamp: datetime) -> int:
        return stamp.astimezone(zone).year

    found: dict[int, Counter[Key]] = {}
    of: dict[int, _Of] = {}
    for row in session.execute(
            select(Assessment.id, Assessment.department_id, Assessment.questionnaire_id,
                   Assessment.state, Assessment.impact_level, Assessment.created_at,
                   Assessment.approved_at).where(col(Assessment.id).in_(ids))):
        approved = row.state == AssessmentState.APPROVED and row.approved_at is not None
        a = of[row.id] = _Of(row.department_id, row.questionnaire_id, year(row.created_at),
                             year(row.approved_at) if approved else None)
        level = row.impact_level or ""
        keys = found[row.id] = Counter({
            Key(Tallied.STATE, a.started, *a[:2], str(row.state)): 1,
            Key(Tallied.LEVEL, a.started, *a[:2], level): 1})
        if a.completed is not None:
            keys[Key(Tallied.COMPLETED, a.completed, *a[:2], level)] += 1
    for assessment_id, round_, at in session.execute(
            select(Submission.assessment_id, Submission.round, Submission.at)
            .where(col(Submission.assessment_id).in_(ids))):
        a = of[assessment_id]
        found[assessment_id][Key(Tallied.REACHED, a.started, *a[:2])] = 1
        if round_ == 1:
            found[assessment_id][Key(Tallied.FIRST_SUBMISSIONS, year(at), *a[:2])] += 1
    _decisions(session, ids, of, found, year)
    for assessment_id, flag_id, severity in session.execute(
            select(AssessmentFlag.assessment_id, AssessmentFlag.flag_id, AssessmentFlag.severity)
            .where(col(AssessmentFlag.assessment_id).in_(ids))):
        a = of[assessment_id]
        found[assessment_id][Key(Tallied.FLAG, a.started, *a[:2], flag_id, severity)] += 1
        if a.completed is not None:
            found[assessment_id][Key(Tallied.COMPLETED_FLAG, a.completed, *a[:2], flag_id,
                                     severity)] += 1
    for row in session.execute(
            select(FollowUpItem.assessment_id, FollowUpItem.department_id, FollowUpItem.kind,
                   FollowUpItem.status, FollowUpItem.due_on, FollowUpItem.created_at)
            .where(col(FollowUpItem.assessment_id).in_(ids))):
        keys, questionnaire_id = found[row.assessment_id], of[row.assessment_id].questionnaire_id
        keys[Key(Tallied.ITEM, row.due_on.year if row.due_on else 0, row.department_id,
                 questionnaire_id, str(row.kind), str(row.status), year(row.created_at))] += 1
        if row.due_on:
            keys[Key(Tallied.DUE_MONTH, row.due_on.year, row.department_id, questionnaire_id,
                     f"{row.due_on.month:02d}", str(row.status))] += 1
    return found


def _decisions(session: Session, ids: list[int], of: dict[int, _Of],
               found: dict[int, Counter[Key]], year) -> None:
    """Returns and approvals: the events that made them (publishing, which keeps the state,
    is none), and whether the assessment was ever returned."""
    returned, approved = AssessmentState.RETURNED.value, AssessmentState.APPROVED.value
    for assessment_id, from_state, to_state, at in session.execute(
            select(AssessmentEvent.assessment_id, AssessmentEvent.from_state,
                   AssessmentEvent.to_state, AssessmentEvent.at)
            .where(col(AssessmentEvent.assessment_id).in_(ids),
                   col(AssessmentEvent.to_state).in_([returned, approved]))):
        a, keys = of[assessment_id], found[assessment_id]
        if to_state == returned:
            keys[Key(Tallied.RETURNED, a.started, *a[:2])] = 1
        if from_state == to_state:
            continue
        if to_state == returned:
            keys[Key(Tallied.RETURNS, year(at), *a[:2])] += 1
            keys[Key(Tallied.RETURNED_IN_YEAR, year(at), *a[:2])] = 1
        else:
            keys[Key(Tallied.APPROVALS, year(at), *a[:2])] += 1


# --- checking ---------------------------------------------------------------------------------


def differences(session: Session) -> list[str]:
    """What the kept tallies say that a fresh count would not (empty: they agree); for tests
    and for an administrator who changed rows by hand."""
    zone = kept_in(session)
    if zone is None:
        return []
    ids = list(session.execute(select(Assessment.id)).scalars())
    fresh = contributions(session, ids, ZoneInfo(zone))
    expected: Counter[Key] = Counter()
    for keys in fresh.values():
        expected.update(keys)
    kept = Counter({Key(*row[:-1]): row[-1] for row in session.execute(
        select(*(getattr(Tally, f) for f in Key._fields), Tally.count)) if row[-1]})
    problems = [f"{key}: kept {kept[key]}, counted {expected[key]}"
                for key in sorted(set(expected) | set(kept)) if kept[key] != expected[key]]
    stored = _stored(session, ids)
    problems += [f"assessment {i}: stored keys differ from a fresh count"
                 for i in ids if stored.get(i, Counter()) != fresh.get(i, Counter())]
    return problems
