"""Jinja filters shared by every page."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app


def format_datetime(value: datetime | None) -> str:
    """`value` in the city's time zone, e.g. "4 March 2026, 2:05pm"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["EQUITY_TOOL_TIMEZONE"]))
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y}, {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def format_time(value: datetime | None) -> str:
    """The time of day in the city's zone, e.g. "2:05pm"."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["EQUITY_TOOL_TIMEZONE"]))
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def init_app(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_time, "time_of_day")
