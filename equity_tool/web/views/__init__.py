"""The pages: one blueprint per part of the product, each view thin."""

from flask import Flask

from equity_tool.web.views import (
    assessments,
    auth,
    home,
    notifications,
    questionnaires,
    reading_room,
    review,
)

BLUEPRINTS = (auth.bp, home.bp, questionnaires.bp, assessments.bp, review.bp,
              notifications.bp, reading_room.bp)


def init_app(app: Flask) -> None:
    notifications.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
