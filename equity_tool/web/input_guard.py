"""Input no database can store is refused at the edge, with a message, before any view runs.

PostgreSQL refuses a NUL character in text; without this check a NUL typed (or forged) into
any field ended in a database error and a 500 page.
"""

from __future__ import annotations

from flask import Flask, request

from equity_tool.core.exceptions import BadRequest

NUL = "\x00"


class UnstorableInput(BadRequest):
    """What was sent holds a character that cannot be stored (400); nothing was changed."""


def _refuse_nul() -> None:
    sent = [*request.args.items(multi=True), *request.form.items(multi=True)]
    if NUL in request.path or any(NUL in key or NUL in value for key, value in sent):
        raise UnstorableInput(
            "What you sent contains a character that cannot be stored (a NUL character, often "
            "left by copying from another program). Go back, retype or remove it, and try again."
        )


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
