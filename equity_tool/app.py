"""The Flask application factory: it only wires the parts together."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from equity_tool import cli, settings
from equity_tool.assessments import versions
from equity_tool.core import db
from equity_tool.web import auth, errors, headers, input_guard, jinja, views

csrf = CSRFProtect()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The app, configured from the environment; `test_config` overrides any setting."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(settings.PROJECT_ROOT / "templates"),
        static_folder=str(settings.PROJECT_ROOT / "static"),
    )
    overrides = dict(test_config or {})
    app.config.from_mapping(settings.load(Path(app.instance_path), {**os.environ, **overrides}))
    app.config.from_mapping(overrides)

    db.init_app(app)
    versions.init_app(app)
    csrf.init_app(app)
    for part in (input_guard, auth, errors, headers, jinja, views, cli):
        part.init_app(app)
    return app
