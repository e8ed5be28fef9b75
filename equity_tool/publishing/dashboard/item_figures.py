"""The dashboard's figures about follow-up items: counts by status, what is overdue, and how
each measure stands against its target."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlmodel import Session, col, func, select

from equity_tool.assessments.lists import assessment_titles
from equity_tool.core.models import Department, FollowUpItem, Tally
from equity_tool.core.tallies import Tallied, tally
from equity_tool.core.vocabulary import CLOSED_ITEM_STATUSES, ItemKind, ItemStatus
from equity_tool.publishing.dashboard.scope import (
    Filters,
    items_chosen,
    items_in_year,
    tallied,
)
from equity_tool.publishing.dashboard.tables import Table

STATUSES = tuple(ItemStatus)
OPEN = [s.value for s in ItemStatus if s not in CLOSED_ITEM_STATUSES]


def by_status(session: Session, filters: Filters) -> Table:
    """Items of the year, one row per department and a column per status."""
    found = session.exec(
        tally(Department.name, Tally.detail)
        .join(Department, col(Department.id) == col(Tally.department_id))
        .where(*tallied(filters, Tallied.ITEM))).all()
    counts: dict[str, Counter] = {}
    for name, status, count in found:
        counts.setdefault(name, Counter())[ItemStatus(status)] = count
    rows = [(name, *(by[s] for s in STATUSES), sum(by.values()))
            for name, by in sorted(counts.items(), key=lambda kv: kv[0].lower())]
    totals = [sum(row[i + 1] for row in rows) for i in range(len(STATUSES))]
    return Table("items-by-status",
                 f"Follow-up items due in {filters.year}, by department and status",
                 ("Department", *(s.value.capitalize() for s in STATUSES), "Total"),
                 rows, footer=("All departments", *totals, sum(totals)))


def _listed(query, limit: int | None):
    return query.limit(limit) if limit else query



def overdue(session: Session, filters: Filters, *, today: date,
            limit: int | None = 10) -> Table:
    """Items past their due date and neither done nor dropped, as of today (any year),
    longest overdue first."""
    where = [col(FollowUpItem.due_on) < today, col(FollowUpItem.status).in_(OPEN)]
    total = overdue_count(session, filters, today)
    query = (select(FollowUpItem.title, Department.name, FollowUpItem.assessment_id,
                    FollowUpItem.kind, FollowUpItem.status, FollowUpItem.due_on)
             .select_from(FollowUpItem)
             .join(Department, col(Department.id) == col(FollowUpItem.department_id))
             .where(*where))
    query = items_chosen(query, filters).order_by(col(FollowUpItem.due_on), col(FollowUpItem.id))
    found = session.exec(_listed(query, limit)).all()
    titles = assessment_titles(session, {row[2] for row in found})
    rows = [(title, department, titles[assessment_id], ItemKind(kind).value.capitalize(),
             ItemStatus(status).value.capitalize(), due, (today - due).days)
            for title, department, assessment_id, kind, status, due in found]
    return Table("overdue-items", "Overdue follow-up items now, longest overdue first",
                 ("Item", "Department", "Assessment", "Kind", "Status", "Due", "Days overdue"),
                 rows, total=total, assessment_ids=[row[2] for row in found], link_column=2)


def overdue_count(session: Session, filters: Filters, today: date) -> int:
    """Items past due and neither done nor dropped: those due before this month from the
    tallies, those due earlier this month counted to the day from the index on due dates."""
    open_ = col(Tally.detail).in_(OPEN)
    earlier_years = session.exec(select(func.coalesce(func.sum(Tally.count), 0)).where(
        *tallied(filters, Tallied.ITEM, any_year=True), open_,
        col(Tally.year) > 0, col(Tally.year) < today.year)).one()
    earlier_months = session.exec(select(func.coalesce(func.sum(Tally.count), 0)).where(
        *tallied(filters, Tallied.DUE_MONTH, any_year=True), open_,
        col(Tally.year) == today.year, col(Tally.what) < f"{today.month:02d}")).one()
    this_month = session.exec(items_chosen(
        select(func.count()).select_from(FollowUpItem).where(
            col(FollowUpItem.due_on) >= today.replace(day=1), col(FollowUpItem.due_on) < today,
            col(FollowUpItem.status).in_(OPEN)), filters)).one()
    return int(earlier_years) + int(earlier_months) + int(this_month)


def measures(session: Session, filters: Filters, *, limit: int | None = 20) -> Table:
    """The year's measures (not dropped) with baseline, target and latest recorded value,
    soonest due first."""
    where = [FollowUpItem.kind == ItemKind.MEASURE,
             col(FollowUpItem.status) != ItemStatus.DROPPED.value]
    total = session.exec(select(func.coalesce(func.sum(Tally.count), 0)).where(
        *tallied(filters, Tallied.ITEM), col(Tally.what) == ItemKind.MEASURE.value,
        col(Tally.detail) != ItemStatus.DROPPED.value)).one()
    query = (select(FollowUpItem.title, Department.name, FollowUpItem.assessment_id,
                    FollowUpItem.baseline, FollowUpItem.target, FollowUpItem.latest_value,
                    FollowUpItem.latest_value_on, FollowUpItem.status, FollowUpItem.due_on)
             .select_from(FollowUpItem)
             .join(Department, col(Department.id) == col(FollowUpItem.department_id))
             .where(*where))
    # Soonest due first, undated last: each part in the order of the index on due dates, so
    # a page reads only its own rows (and NULLs sort alike on every database).
    dated = items_in_year(query, filters, dated=True).order_by(
        col(FollowUpItem.due_on), col(FollowUpItem.id))
    found = session.exec(_listed(dated, limit)).all()
    if limit is None or len(found) < limit:
        undated = items_in_year(query, filters, dated=False).order_by(col(FollowUpItem.id))
        found += session.exec(_listed(undated, limit and limit - len(found))).all()
    titles = assessment_titles(session, {row[2] for row in found})
    rows = [(title, department, titles[assessment_id], baseline, target, latest, latest_on,
             ItemStatus(status).value.capitalize(), due)
            for title, department, assessment_id, baseline, target, latest, latest_on, status,
            due in found]
    return Table("measures", f"Measures due in {filters.year}: latest value against target",
                 ("Measure", "Department", "Assessment", "Baseline", "Target", "Latest value",
                  "Recorded on", "Status", "Due"),
                 rows, total=total, assessment_ids=[row[2] for row in found], link_column=2)
