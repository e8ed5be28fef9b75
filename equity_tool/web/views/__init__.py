"""The pages: one blueprint per part of the product, each view thin."""

from flask import Flask

from equity_tool.web.views import (
    account,
    assessments,
    auth,
    dashboard,
    editor,
    followup,
    home,
    notifications,
    people,
    public,
    questionnaire_admin,
    questionnaires,
    reading_room,
    reports,
    review,
    version_move,
)

BLUEPRINTS = (auth.bp, home.bp, questionnaires.bp, assessments.bp, review.bp,
              notifications.bp, reading_room.bp, dashboard.bp, followup.bp, public.bp,
              reports.bp, questionnaire_admin.bp, editor.bp, version_move.bp, people.bp,
              account.bp)


def init_app(app: Flask) -> None:
    notifications.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
