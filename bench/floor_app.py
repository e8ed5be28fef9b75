"""The app as gunicorn serves it, plus the autosave benchmark's floor: POST /bench/floor.

The floor is the least a save can cost in the same server: one HTTP request through Flask and
one committed row update through the app's engine, without the form parsing, evaluation and
rendering of an autosave. It is public and CSRF-exempt, so it does not load the user either.
Only bench/autosave.py serves this module; the app's own code knows nothing of it.

    gunicorn --pythonpath bench floor_app:app
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, request

from equity_tool import create_app
from equity_tool.app import csrf
from equity_tool.core.db import get_engine
from equity_tool.core.models import Assessment, utcnow
from equity_tool.web.auth import public


def create_bench_app() -> Flask:
    app = create_app()
    engine = get_engine(app)

    @public
    @csrf.exempt
    def bench_floor():
        assessment_id = request.args.get("assessment", "")
        if not assessment_id.isdigit():
            return "assessment=ID wanted\n", 400
        with engine.begin() as connection:  # one UPDATE, one COMMIT
            updated = connection.execute(
                sa.update(Assessment)
                .where(Assessment.id == int(assessment_id))
                .values(updated_at=utcnow())
            )
        return ("ok\n", 200) if updated.rowcount == 1 else ("no such assessment\n", 404)

    app.add_url_rule("/bench/floor", "bench_floor", bench_floor, methods=["POST"])
    return app


app = create_bench_app()
