"""Read-only lists of follow-up items and their history, for pages and commands."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equity_tool.assessments.lists import assessment_titles
from equity_tool.core.models import (
    MAX_ID,
    Assessment,
    Department,
    FollowUpItem,
    FollowUpUpdate,
    User,
)
from equity_tool.core.paging import Page, paged_parts
from equity_tool.core.vocabulary import CLOSED_ITEM_STATUSES

DUE_SOON_DAYS = 30
DUE_SOON_LIMIT = 50  # on the staff home; the department's list has them all


@dataclass(frozen=True)
class ItemRow:
    item: FollowUpItem
    assessment_title: str
    department_name: str

    def overdue(self, today: dt.date) -> bool:
        return is_overdue(self.item, today)


def is_overdue(item: FollowUpItem, today: dt.date) -> bool:
    """Past its due date and neither done nor dropped."""
    return (item.due_on is not None and item.due_on < today
            and item.status not in CLOSED_ITEM_STATUSES)


def _open() -> sa.ColumnElement[bool]:
    return col(FollowUpItem.status).not_in([s.value for s in CLOSED_ITEM_STATUSES])


def _overdue(today: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(col(FollowUpItem.due_on) < today, _open())


def _rows():
    return (select(FollowUpItem, Assessment.title, Department.name)
            .join(Assessment, col(Assessment.id) == col(FollowUpItem.assessment_id))
            .join(Department, col(Department.id) == col(FollowUpItem.department_id)))


# Due first; items without a due date last; the id keeps pages stable.
_BY_DUE = (col(FollowUpItem.due_on).is_(None), col(FollowUpItem.due_on), col(FollowUpItem.id))


def assessment_items(session: Session, assessment_id: int) -> list[FollowUpItem]:
    """The assessment's items, by question and row position."""
    return list(session.exec(
        select(FollowUpItem).where(FollowUpItem.assessment_id == assessment_id)
        .order_by(col(FollowUpItem.question_id), col(FollowUpItem.position))).all())


def assessment_rows(session: Session, assessment: Assessment) -> list[ItemRow]:
    """The assessment's items as rows of a list (by question and row position)."""
    return [ItemRow(item, assessment.title, "") for item in
            assessment_items(session, assessment.id)]


def department_items(session: Session, *, department_id: int, today: dt.date,
                     overdue: bool = False, page: int = 1) -> Page[ItemRow]:
    """A page of the department's items, due first; only the overdue ones with `overdue`."""
    query = (select(FollowUpItem, Department.name)
             .join(Department, col(Department.id) == col(FollowUpItem.department_id))
             .where(FollowUpItem.department_id == department_id))
    if overdue:
        query = query.where(_overdue(today))
    # Dated items, then undated ones: each part walks the index on (department, due date),
    # where one ORDER BY putting NULLs last would sort every item to show a page.
    due = col(FollowUpItem.due_on)
    found = paged_parts(session, [query.where(due.is_not(None)).order_by(due, FollowUpItem.id),
                                  query.where(due.is_(None)).order_by(col(FollowUpItem.id))],
                        page)
    # The titles after the page is cut: an assessment's row holds all its answers.
    titles = assessment_titles(session, (item.assessment_id for item, _ in found.items))
    return dataclasses.replace(found, items=[ItemRow(item, titles[item.assessment_id], name)
                                             for item, name in found.items])


def every_item(session: Session, *, today: dt.date, department_id: int | None = None,
               overdue: bool = False) -> list[ItemRow]:
    """Every item (of one department), for the command line: by department, then due first."""
    query = _rows()
    if department_id is not None:
        query = query.where(FollowUpItem.department_id == department_id)
    if overdue:
        query = query.where(_overdue(today))
    return [ItemRow(*row) for row in session.exec(query.order_by(col(Department.name), *_BY_DUE))]


def due_soon(session: Session, *, department_id: int, today: dt.date,
             days: int = DUE_SOON_DAYS, limit: int = DUE_SOON_LIMIT) -> list[ItemRow]:
    """The department's open items due within `days` days, and those overdue: due first."""
    query = (_rows().where(FollowUpItem.department_id == department_id, _open(),
                           col(FollowUpItem.due_on) <= today + dt.timedelta(days=days))
             .order_by(*_BY_DUE).limit(limit))
    return [ItemRow(*row) for row in session.exec(query)]


@dataclass(frozen=True)
class HistoryEntry:
    update: FollowUpUpdate
    who: str  # the person, or "Equity Tool" for what an approval did


def history(session: Session, item: FollowUpItem) -> list[HistoryEntry]:
    """The item's updates, newest first."""
    rows = session.exec(
        select(FollowUpUpdate, User.name)
        .outerjoin(User, col(User.id) == col(FollowUpUpdate.author_id))
        .where(FollowUpUpdate.item_id == item.id)
        .order_by(col(FollowUpUpdate.at).desc(), col(FollowUpUpdate.id).desc()))
    return [HistoryEntry(update, name or "Equity Tool") for update, name in rows]


def department(session: Session, department_id: int) -> Department | None:
    return session.get(Department, department_id) if 0 < department_id <= MAX_ID else None


def department_named(session: Session, name: str) -> Department | None:
    return session.exec(select(Department).where(Department.name == name)).first()
