"""The one error exports raise: the message names what failed and how to fix it."""

from __future__ import annotations


class ExportError(Exception):
    """An export could not be made; `template` names the template at fault, if any."""

    def __init__(self, message: str, *, template: str | None = None) -> None:
        super().__init__(message)
        self.template = template
