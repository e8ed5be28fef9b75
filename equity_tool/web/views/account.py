"""A person's own account: changing their password, and setting one from a one-time link."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account", __name__)
