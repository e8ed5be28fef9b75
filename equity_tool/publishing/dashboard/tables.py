"""A dashboard table: what the page shows beside a chart and what its CSV download holds."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """Columns and rows of plain values; the first cell of each row is the row's header.

    `total` is how many rows there are in all when `rows` is cut short (a page shows the first
    few; the download has them all). `assessment_ids` names, row by row, the assessment that
    the cell in column `link_column` links to, if any.
    """

    name: str  # in the download's URL and file name
    caption: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    footer: tuple[Any, ...] | None = None  # a totals row
    total: int | None = None
    assessment_ids: list[int] = field(default_factory=list)
    link_column: int = 0

    @property
    def cut_short(self) -> bool:
        return self.total is not None and self.total > len(self.rows)


def safe_cell(value: Any) -> Any:
    """`value` for a CSV cell: text a spreadsheet would read as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def as_csv(table: Table) -> str:
    """The table as CSV text (header row first, totals last), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in table.columns])
    rows = [*table.rows, table.footer] if table.footer else table.rows
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
