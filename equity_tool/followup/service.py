"""Follow-up use cases: items made from an approved assessment, and progress posted on them.

An approval turns each visible, non-empty row of a tracked table into an item, keyed by
(question id, row position); a later approval matches rows to items by that key. Progress is
an append-only history of updates; the approved answers never change. Like the wizard's saves,
an update states the item's revision it read and is refused when that moved on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equity_tool.assessments import access
from equity_tool.core import tallies
from equity_tool.core.exceptions import BadRequest, Conflict, NotFound, PermissionDenied
from equity_tool.core.models import (
    MAX_ID,
    Assessment,
    FollowUpItem,
    FollowUpUpdate,
    User,
    utcnow,
)
from equity_tool.core.vocabulary import ItemKind, ItemStatus
from equity_tool.questionnaire import Questionnaire, TrackedRow, next_review_date, tracked_rows
from equity_tool.questionnaire.messages import long_date

REMOVED = "removed from the assessment"
MAX_NOTE = 20_000
MAX_VALUE = 200  # the value column
# The fields of an item that come from its row; a new approval may change each of them.
_ROW_FIELDS = {"kind": "Kind", "title": "Title", "owner": "Owner", "due_on": "Due",
               "baseline": "Baseline", "target": "Target"}


# --- approval ---------------------------------------------------------------------------------


def on_approved(session: Session, assessment: Assessment, questionnaire: Questionnaire,
                now: dt.datetime) -> None:
    """Make, change or drop the assessment's items to match its approved answers, and set its
    next review date (in the caller's transaction: review.service.transition commits)."""
    rows = {row.key: row for row in tracked_rows(questionnaire, assessment.answers,
                                                 today=now.date())}
    items = {(item.question_id, item.position): item for item in session.exec(
        select(FollowUpItem).where(FollowUpItem.assessment_id == assessment.id))}
    for key, row in rows.items():
        item = items.get(key)
        if item is None:
            _create(session, assessment, row, now)
        else:
            _match(session, item, row, now)
    for key, item in items.items():
        if key not in rows and item.status != ItemStatus.DROPPED:
            _close_removed(session, item, now)
    session.execute(sa.update(Assessment).where(Assessment.id == assessment.id).values(
        next_review_on=next_review_date(questionnaire, assessment.answers, today=now.date())))


def _fields(row: TrackedRow) -> dict[str, Any]:
    return {"kind": ItemKind(row.kind), "title": row.title, "owner": row.owner,
            "due_on": row.due, "baseline": row.baseline, "target": row.target}


def _create(session: Session, assessment: Assessment, row: TrackedRow, now: dt.datetime) -> None:
    item = FollowUpItem(assessment_id=assessment.id, department_id=assessment.department_id,
                        question_id=row.question_id, position=row.position, created_at=now,
                        **_fields(row))
    session.add(item)
    session.flush()  # its id, for the first entry of its history
    session.add(FollowUpUpdate(item_id=item.id, kind="created", status=item.status,
                               happened_on=now.date(), at=now))


def _match(session: Session, item: FollowUpItem, row: TrackedRow, now: dt.datetime) -> None:
    """The row of an item that already exists: its changes, and a return after a removal."""
    new = _fields(row)
    changes = [f"{label}: {_shown(getattr(item, name))} → {_shown(new[name])}"
               for name, label in _ROW_FIELDS.items() if getattr(item, name) != new[name]]
    back = item.status == ItemStatus.DROPPED and item.status_reason == REMOVED
    if not changes and not back:
        return
    for name, value in new.items():
        setattr(item, name, value)
    if back:  # the row came back in a later approval: it is followed up again
        item.status, item.status_reason = ItemStatus.NOT_STARTED, None
        changes.insert(0, "Back in the assessment.")
    item.revision += 1  # a progress form opened before the change is now stale
    session.add(item)
    session.add(FollowUpUpdate(item_id=item.id, kind="changed", status=item.status,
                               note="\n".join(f"- {change}" for change in changes),
                               happened_on=now.date(), at=now))


def _close_removed(session: Session, item: FollowUpItem, now: dt.datetime) -> None:
    item.status, item.status_reason = ItemStatus.DROPPED, REMOVED
    item.revision += 1
    session.add(item)
    session.add(FollowUpUpdate(item_id=item.id, kind="removed", status=ItemStatus.DROPPED,
                               note=f"Dropped: {REMOVED}.", happened_on=now.date(), at=now))


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, dt.date):
        return long_date(value)
    return str(value)


# --- progress -------------------------------------------------------------------------------


class ProgressRefused(BadRequest):
    """The update does not fit the item (400/422): field name -> message; nothing changed."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class ItemDropped(Conflict):
    """A dropped item takes no more updates."""


class StaleItem(Conflict):
    """The update was based on an older revision of the item than the one stored."""

    def __init__(self, item: FollowUpItem, updated_by: User | None, viewer: User):
        if updated_by is None:  # the tool: a new approval changed the item
            who = " by a new approval of the assessment"
        elif updated_by.id == viewer.id:
            who = " in another tab or window"
        else:
            who = f" by {updated_by.name}"
        super().__init__(
            f"This item was updated{who} since you opened this page, so your update was not "
            "saved. What you typed is still in the form: read the latest update in the "
            "history, then send yours again if it is still needed.")
        self.item = item


@dataclass(frozen=True)
class Item:
    """An item with its assessment, as the pages and the use cases need them."""

    item: FollowUpItem
    assessment: Assessment


def get_item(session: Session, *, user: User, assessment_id: int, item_id: int) -> Item:
    """The item of the assessment, or NotFound when either does not exist or `user` may not
    read the assessment (another department's staff)."""
    assessment = access.get_visible(session, user, assessment_id)
    item = session.get(FollowUpItem, item_id) if 0 < item_id <= MAX_ID else None
    if item is None or item.assessment_id != assessment.id:
        raise NotFound(f"No follow-up item {item_id}")
    return Item(item, assessment)


def may_post(session: Session, user: User, assessment: Assessment) -> bool:
    """Whether `user` may post progress on the assessment's items (access.may_post_progress)."""
    return access.may_post_progress(user, assessment)


def post_update(session: Session, *, user: User, item_id: int, status: str,
                note: str | None, value: str | None, happened_on: dt.date | str | None,
                revision: int, today: dt.date | None = None) -> FollowUpUpdate:
    """Record progress on an item: its status, a note (markdown), a measure's value and the
    day it happened. Refused, changing nothing, for another department's item (NotFound), a
    dropped item (ItemDropped), a stale revision (StaleItem) or input that does not fit
    (ProgressRefused, by field). `today` is the city's date (a later day is the future)."""
    item = session.get(FollowUpItem, item_id) if 0 < item_id <= MAX_ID else None
    assessment = session.get(Assessment, item.assessment_id) if item else None
    if item is None or assessment is None or not (
            access.may_see(user, assessment) or may_post(session, user, assessment)):
        raise NotFound(f"No follow-up item {item_id}")
    if not may_post(session, user, assessment):
        raise PermissionDenied("Only the department's staff and director post progress on "
                               "its follow-up items.")
    if item.status == ItemStatus.DROPPED:
        raise ItemDropped(f"“{item.title}” was dropped ({item.status_reason or 'no reason'}), "
                          "so it takes no more updates.")
    if revision != item.revision:
        raise StaleItem(item, _last_author(session, item), user)
    cleaned = _checked(item, status=status, note=note, value=value, happened_on=happened_on,
                       today=today or utcnow().date())
    return _store(session, user, item, revision, cleaned)


@dataclass(frozen=True)
class _Cleaned:
    status: ItemStatus
    note: str | None
    value: str | None
    happened_on: dt.date


def _checked(item: FollowUpItem, *, status: str, note: str | None, value: str | None,
             happened_on: dt.date | str | None, today: dt.date) -> _Cleaned:
    errors: dict[str, str] = {}
    try:
        chosen = ItemStatus(status or "")
    except ValueError:
        chosen = None
        errors["status"] = "Choose the item's status."
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        errors["note"] = f"The note is too long: keep it under {MAX_NOTE:,} characters."
    elif chosen == ItemStatus.DROPPED and not note:
        errors["note"] = "Say in the note why the item is dropped."
    value = (value or "").strip() or None
    if value_error := _value_error(item, value):
        errors["value"] = value_error
    day, day_error = _day(happened_on, today)
    if day_error:
        errors["happened_on"] = day_error
    if errors or chosen is None or day is None:
        raise ProgressRefused(errors)
    return _Cleaned(chosen, note, value, day)


def _value_error(item: FollowUpItem, value: str | None) -> str | None:
    if value is None:
        return None
    if item.kind != ItemKind.MEASURE:
        return "Only a measure takes a value: leave it empty for an action."
    if len(value) > MAX_VALUE:
        return f"The value is too long: keep it under {MAX_VALUE} characters."
    if (number(item.baseline) is not None and number(item.target) is not None
            and number(value) is None):
        return (f"Enter the value as a number, as the baseline ({item.baseline}) and the "
                f"target ({item.target}) are: for example 52 or 7.5.")
    return None


def _day(happened_on: dt.date | str | None, today: dt.date) -> tuple[dt.date | None, str | None]:
    if isinstance(happened_on, str):
        happened_on = happened_on.strip()
        if not happened_on:
            return None, "Enter the date the progress was made."
        try:
            happened_on = dt.date.fromisoformat(happened_on)
        except ValueError:
            return None, "Enter a real date, like 2027-03-31."
    if happened_on is None:
        return None, "Enter the date the progress was made."
    if happened_on > today:
        return None, (f"The date cannot be in the future: today is {long_date(today)}. "
                      "Record progress once it has happened.")
    return happened_on, None


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?")


def number(text: str | None) -> float | None:
    """`text` as a number when it is one as people write it (52, -3, 7.5, 1,200, 40%)."""
    if text is None or not _NUMBER.fullmatch(text.strip()):
        return None
    return float(text.strip().rstrip("%").replace(",", ""))


def _store(session: Session, user: User, item: FollowUpItem, revision: int,
           cleaned: _Cleaned) -> FollowUpUpdate:
    """The conditional UPDATE (only while the item is at `revision`) and the history entry,
    in one commit: of two updates based on the same revision exactly one is kept."""
    now = utcnow()
    tallies.hold(session, item.assessment_id)
    values: dict[str, Any] = {
        "status": cleaned.status.value, "revision": revision + 1, "latest_update_at": now,
        "status_reason": cleaned.note if cleaned.status == ItemStatus.DROPPED else None,
    }
    # The latest value is the one of the latest day: a value dated earlier is history only.
    if cleaned.value is not None and (item.latest_value_on is None
                                      or cleaned.happened_on >= item.latest_value_on):
        values.update(latest_value=cleaned.value, latest_value_on=cleaned.happened_on)
    updated = session.execute(
        sa.update(FollowUpItem)
        .where(col(FollowUpItem.id) == item.id, col(FollowUpItem.revision) == revision)
        .values(**values).execution_options(synchronize_session=False))
    if updated.rowcount != 1:
        session.rollback()
        session.refresh(item)
        raise StaleItem(item, _last_author(session, item), user)
    update = FollowUpUpdate(item_id=item.id, author_id=user.id, kind="progress",
                            status=cleaned.status, note=cleaned.note, value=cleaned.value,
                            happened_on=cleaned.happened_on, at=now)
    session.add(update)
    tallies.refresh(session, item.assessment_id)
    session.commit()
    return update


def _last_author(session: Session, item: FollowUpItem) -> User | None:
    """Who posted the item's newest update (None: the tool, for a new approval)."""
    author_id = session.exec(
        select(FollowUpUpdate.author_id).where(FollowUpUpdate.item_id == item.id)
        .order_by(col(FollowUpUpdate.id).desc())).first()
    return session.get(User, author_id) if author_id else None
