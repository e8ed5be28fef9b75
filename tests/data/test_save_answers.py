"""save_answers: the stored row, the object the view goes on to show, and the answer history."""

import pytest
from sqlmodel import Session, select

from equity_tool.assessments import StaleRevision, save_answers
from equity_tool.models import AnswerChange, Assessment, User


@pytest.fixture
def ids(draft):
    return draft


def save(session, ids, revision, answers, other_texts=None):
    user, assessment = session.get(User, ids[0]), session.get(Assessment, ids[1])
    changed = save_answers(session, user=user, assessment=assessment, revision=revision,
                           answers=answers, other_texts=other_texts or {})
    return assessment, changed


def test_the_history_keeps_each_answer_before_and_after(engine, ids):
    with Session(engine) as session:
        save(session, ids, 0, {"cost": 1500, "places": "East side"})
    with Session(engine) as session:
        save(session, ids, 1, {"cost": 2000, "places": "East side"})
    with Session(engine) as session:
        changes = session.exec(select(AnswerChange).order_by(AnswerChange.id)).all()
        assert [(c.question_id, c.old, c.new) for c in changes] == [
            ("cost", None, 1500), ("places", None, "East side"), ("cost", 1500, 2000)]
        assert {c.user_id for c in changes} == {ids[0]}


def test_after_a_save_the_object_shows_what_is_stored(engine, ids):
    with Session(engine) as session:
        assessment, changed = save(session, ids, 0, {"groups": ["black", "asian"], "n": 2.5},
                                   {"groups": "Hmong elders", "other": ""})
        assert changed == ["groups", "n"]
        shown = (assessment.revision, dict(assessment.answers), dict(assessment.other_texts),
                 assessment.updated_at)
    with Session(engine) as session:
        stored = session.get(Assessment, ids[1])
        assert shown == (stored.revision, stored.answers, stored.other_texts, stored.updated_at)
        assert shown[:3] == (1, {"groups": ["black", "asian"], "n": 2.5},
                             {"groups": "Hmong elders"})


def test_a_save_from_an_older_revision_changes_nothing(engine, ids):
    with Session(engine) as session:
        save(session, ids, 0, {"cost": 1})
    with Session(engine) as session, pytest.raises(StaleRevision):
        save(session, ids, 0, {"cost": 2})
    with Session(engine) as session:
        stored = session.get(Assessment, ids[1])
        assert (stored.revision, stored.answers) == (1, {"cost": 1})
        assert len(session.exec(select(AnswerChange)).all()) == 1
