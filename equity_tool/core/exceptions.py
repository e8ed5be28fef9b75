"""Errors the domain raises; `equity_tool/web/errors.py` turns each into a page at the edge.

Subclass these (e.g. `class StaleRevision(Conflict)`) and the right status follows. The message
is shown to the person, so write it for them.
"""


class DomainError(Exception):
    """Base of the errors below."""


class BadRequest(DomainError):
    """What was sent does not fit the page (400); nothing was changed."""


class NotFound(DomainError):
    """The thing does not exist, or the person may not know it exists (404)."""


class PermissionDenied(DomainError):
    """The person is known but may not do this (403)."""


class Conflict(DomainError):
    """The request clashes with the current state, e.g. a stale revision (409)."""
