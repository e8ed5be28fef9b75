"""People, departments and the audit log: the administrator's pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("people", __name__)
