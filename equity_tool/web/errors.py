"""The one place where errors become pages: domain exceptions and HTTP errors alike."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, g, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from equity_tool.core.exceptions import (
    BadRequest,
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
)

log = logging.getLogger(__name__)

# Extend with new domain errors here, or subclass one of these and inherit its status.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    BadRequest: 400, NotFound: 404, PermissionDenied: 403, Conflict: 409,
}

# status: (page heading, what the person can do about it)
PAGES: dict[int, tuple[str, str]] = {
    400: ("There is a problem with what was sent", "Go back, check the page and try again."),
    403: (
        "You cannot open this page",
        "Your account does not allow it. If you think it should, ask your administrator.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you followed a link, what it pointed to may have been removed.",
    ),
    405: ("This page cannot be used that way", "Go back and use the buttons on the page."),
    409: (
        "This has changed since you opened it",
        "Go back and reload the page to see the latest version.",
    ),
    413: ("What you sent is too large", "Go back, shorten your answer and try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. Your saved answers are safe.",
    ),
}
# While the database is down: the page must render without it (no user, no unread count).
OUTAGE_PAGE = (
    "Sorry, the service is unavailable",
    "Nothing you sent could be saved just now. What you typed is still on the page you came "
    "from: go back, wait a minute, and send it again.",
)
CSRF_PAGE = (
    "Your form could not be sent",
    "The page was open for too long, or the form did not come from this site. "
    "Go back, reload the page and try again.",
)


def render_error(status: int, heading: str | None = None, message: str | None = None, *,
                 outage: bool = False):
    default_heading, default_message = PAGES.get(status, PAGES[400 if status < 500 else 500])
    page = render_template("error.html", heading=heading or default_heading,
                           message=message or default_message, outage=outage)
    return page, status


def _domain_error(error: DomainError):
    status = next(s for cls, s in DOMAIN_STATUS.items() if isinstance(error, cls))
    # A 404 says nothing about what was looked for: the person may not know it exists.
    return render_error(status, message=None if status == 404 else str(error) or None)


def _http_error(error: HTTPException):
    return render_error(error.code or 500)


def _database_unavailable(error: sa.exc.DBAPIError):
    log.error("the database is unavailable: %s", error.__class__.__name__, exc_info=error)
    # Flask-Login loads the user for every template; seen as anonymous, nobody is looked up.
    g._login_user = current_app.login_manager.anonymous_user()
    return render_error(503, *OUTAGE_PAGE, outage=True)


def _csrf_error(_error: CSRFError):
    return render_error(400, *CSRF_PAGE)


def init_app(app: Flask) -> None:
    for cls in DOMAIN_STATUS:
        app.register_error_handler(cls, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    for cls in (sa.exc.OperationalError, sa.exc.InterfaceError):
        app.register_error_handler(cls, _database_unavailable)
    app.register_error_handler(HTTPException, _http_error)
