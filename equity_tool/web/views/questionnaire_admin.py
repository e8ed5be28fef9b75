"""The questionnaires page: every version, its state and use, retiring, downloads and diffs."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("questionnaire_admin", __name__)
