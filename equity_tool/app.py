"""The Flask application factory: it only wires the parts together."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from . import (
    auth,
    cli,
    db,
    errors,
    export_cli,
    headers,
    migrate,
    questionnaire_cli,
    registry,
    rendering,
    settings,
    templating,
)
from .views import assessments as assessment_views
from .views import auth as auth_views
from .views import home as home_views
from .views import notifications as notification_views
from .views import questionnaires as questionnaire_views
from .views import reading_room as reading_room_views
from .views import review as review_views

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
    csrf.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    migrate.init_app(app)
    cli.init_app(app)
    headers.init_app(app)
    templating.init_app(app)
    rendering.init_app(app)
    registry.init_app(app)
    questionnaire_cli.init_app(app)
    export_cli.init_app(app)
    notification_views.init_app(app)
    for blueprint in (auth_views.bp, home_views.bp, questionnaire_views.bp,
                      assessment_views.bp, review_views.bp, notification_views.bp,
                      reading_room_views.bp):
        app.register_blueprint(blueprint)
    return app

