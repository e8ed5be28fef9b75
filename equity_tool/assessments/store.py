"""Writing a step's answers: a conditional UPDATE of the assessment plus its history rows.

Autosave runs this on every pause in typing, so the statements are built once, and on
PostgreSQL the update and the history go to the server as one statement: one round trip
fewer per save, which is most of what a save costs under load (see bench/autosave.py).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from equity_tool.core.models import AnswerChange, Assessment

_TABLE = Assessment.__table__
_STORED = ("answers", "other_texts", "revision", "updated_at")

# The row changes only if it is still at the revision the save was based on (b_revision).
_UPDATE = (
    sa.update(_TABLE)
    .where(_TABLE.c.id == sa.bindparam("b_id"), _TABLE.c.revision == sa.bindparam("b_revision"))
    .values({name: sa.bindparam(name) for name in _STORED})
)
_HISTORY = sa.insert(AnswerChange.__table__)

# The same on PostgreSQL in one statement: the history rows are inserted only if the UPDATE
# matched, so the number of rows inserted says whether the save took. `->` keeps a JSON null
# as JSON (the columns are NOT NULL); WITH ORDINALITY keeps the rows in the order given.
_UPDATE_WITH_HISTORY = sa.text(
    """
    WITH saved AS (
        UPDATE assessments
        SET answers = :answers, other_texts = :other_texts, revision = :revision,
            updated_at = :updated_at
        WHERE id = :b_id AND revision = :b_revision
        RETURNING id
    )
    INSERT INTO answer_changes (assessment_id, user_id, question_id, old, new, at)
    SELECT saved.id, :user_id, change.value ->> 'question_id', change.value -> 'old',
           change.value -> 'new', :updated_at
    FROM saved, jsonb_array_elements(:history) WITH ORDINALITY AS change (value, n)
    ORDER BY change.n
    """
).bindparams(
    *(sa.bindparam(name, type_=_TABLE.c[name].type) for name in _STORED),
    sa.bindparam("history", type_=postgresql.JSONB()),
)


def store(session: Session, values: dict[str, Any], user_id: int,
          changes: list[tuple[str, Any, Any]]) -> bool:
    """Update the assessment if its revision is still `values["b_revision"]`, and record
    `changes` (question id, old, new) as made by `user_id`; False if the revision moved on.

    `values` holds b_id, b_revision and the new answers, other_texts, revision, updated_at.
    """
    if changes and session.get_bind().dialect.name == "postgresql":
        history = [{"question_id": qid, "old": old, "new": new} for qid, old, new in changes]
        inserted = session.execute(
            _UPDATE_WITH_HISTORY, {**values, "user_id": user_id, "history": history}
        ).rowcount
        return inserted == len(changes)
    if session.execute(_UPDATE, values).rowcount != 1:
        return False
    if changes:
        # One INSERT for all rows, without building ORM objects only to flush them.
        session.execute(_HISTORY, [
            {"assessment_id": values["b_id"], "user_id": user_id, "question_id": qid,
             "old": old, "new": new, "at": values["updated_at"]}
            for qid, old, new in changes
        ])
    return True
