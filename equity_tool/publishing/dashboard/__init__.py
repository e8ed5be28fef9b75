"""The equity officer's dashboard: figures for a year, counted by the database.

Every figure comes from a grouped query (GROUP BY, COUNT, CASE) or, for percentiles, from the
list of day differences alone; no assessment is loaded to be counted in Python. See scope.py
for the date that places each thing in a year.
"""

from equity_tool.publishing.dashboard.page import (
    TABLES,
    Dashboard,
    build,
    csv_filename,
    table,
)
from equity_tool.publishing.dashboard.scope import Filters, choices
from equity_tool.publishing.dashboard.tables import Table, as_csv, safe_cell

__all__ = ["TABLES", "Dashboard", "Filters", "Table", "as_csv", "build", "choices",
           "csv_filename", "safe_cell", "table"]
