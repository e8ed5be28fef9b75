"""Long lists shown a page at a time: the page's rows and a count come from the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, func, select

from equity_tool.core.exceptions import NotFound

T = TypeVar("T")

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int  # 1-based
    size: int
    total: int  # rows in the whole list

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_row(self) -> int:
        """The 1-based position of the page's first row in the whole list (0 when empty)."""
        return (self.number - 1) * self.size + 1 if self.items else 0


def page_number(raw: str | None) -> int:
    """The page a URL asks for (`?page=`), 1 when it names none; junk names no page (404)."""
    if raw is None or raw == "":
        return 1
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        raise NotFound("There is no such page of this list.")
    return int(raw)


def paged(session: Session, statement: Any, number: int, size: int = PAGE_SIZE) -> Page:
    """Page `number` of `statement` (which must be ordered), with the list's total.

    A page past the end is a 404 unless the list is empty (page 1 of nothing is a page)."""
    return paged_parts(session, [statement], number, size)


def paged_parts(session: Session, parts: list[Any], number: int,
                size: int = PAGE_SIZE) -> Page:
    """Page `number` of the ordered statements `parts` listed one after the other.

    A list sorted on a column with gaps (due first, undated last) is two parts, each walking an
    index in its own order, where one statement would sort every row to show fifty."""
    totals = [_count(session, part) for part in parts]
    total = sum(totals)
    if number > 1 and (number - 1) * size >= total:
        raise NotFound("There is no such page of this list.")
    skip, rows = (number - 1) * size, []
    for part, part_total in zip(parts, totals, strict=True):
        if skip >= part_total:
            skip -= part_total
            continue
        wanted = size - len(rows)
        rows += session.exec(part.offset(skip).limit(wanted)).all()
        skip = 0
        if len(rows) >= size:
            break
    return Page(items=rows, number=number, size=size, total=total)


def _count(session: Session, statement: Any) -> int:
    # Counting a constant lets the database count from an index instead of reading each row
    # (not for DISTINCT, whose rows are told apart by the columns it selects).
    counted = statement if statement._distinct else statement.with_only_columns(
        sa.literal(1), maintain_column_froms=True)
    return session.exec(select(func.count()).select_from(counted.order_by(None).subquery())).one()
