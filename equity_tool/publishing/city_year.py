"""A calendar year in the city's time zone: what the dashboard and the annual report count in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


class CityYear:
    """`start` and `end` (exclusive) of `year` in `timezone`, for a class that has both."""

    year: int
    timezone: str

    @property
    def start(self) -> datetime:
        return datetime(self.year, 1, 1, tzinfo=ZoneInfo(self.timezone))

    @property
    def end(self) -> datetime:
        return datetime(self.year + 1, 1, 1, tzinfo=ZoneInfo(self.timezone))
