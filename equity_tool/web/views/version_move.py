"""Moving a draft assessment to a newer version of its questionnaire."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("version_move", __name__)
