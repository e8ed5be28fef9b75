"""Writing a questionnaire in the browser: the editor, checking as you type, preview, publishing."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("editor", __name__)
