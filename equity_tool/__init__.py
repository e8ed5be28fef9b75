"""Equity Tool: racial equity impact assessments for city governments.

Importing the package loads nothing else, so `equity_tool.questionnaire` (the pure engine)
can be imported without Flask; `create_app` builds the web application on demand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The app, configured from the environment; `test_config` overrides any setting."""
    from equity_tool.app import create_app as build

    return build(test_config)
