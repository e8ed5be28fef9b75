"""save_answers: the stored row, the object the view goes on to show, and the answer history."""

import pytest
from sqlmodel import Session, select

from equity_tool.assessments.service import StaleRevision, save_answers
from equity_tool.core.models import AnswerChange, Assessment, User


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


def test_the_history_keeps_every_kind_of_value_in_the_order_saved(engine, ids):
    # On PostgreSQL the history travels as one JSON array inside the UPDATE's statement.
    values = {"z_table": [{"what": "Crowding", "who": None}], "a_text": 'She said "null" 😀',
              "m_bool": False, "b_number": 0, "y_list": [], "c_cleared": None,
              "x_arabic": "تقييم", "d_markup": "{{ 7*7 }} <w:p> & ' ->> "}
    with Session(engine) as session:
        save(session, ids, 0, {"c_cleared": "was here"})
    with Session(engine) as session:
        _, changed = save(session, ids, 1, values)
        assert changed == sorted(values)
    with Session(engine) as session:
        changes = session.exec(select(AnswerChange).order_by(AnswerChange.id)).all()[1:]
        # (an empty list over no answer is no change a reader would see: not in the history)
        assert [(c.question_id, c.new) for c in changes] == [
            item for item in values.items() if item[0] != "y_list"]
        assert [c.old for c in changes] == [None] * 4 + ["was here", None, None]
        assert len({c.at for c in changes}) == 1
        assert session.get(Assessment, ids[1]).answers == values


def test_a_save_of_other_texts_alone_keeps_no_answer_history(engine, ids):
    with Session(engine) as session:
        _, changed = save(session, ids, 0, {}, {"groups": "Hmong elders"})
        assert changed == []
    with Session(engine) as session:
        stored = session.get(Assessment, ids[1])
        assert (stored.revision, stored.other_texts) == (1, {"groups": "Hmong elders"})
        assert session.exec(select(AnswerChange)).all() == []


def test_a_step_saved_before_it_is_filled_in_adds_nothing_to_the_history(engine, ids):
    # What an autosave sends for untouched fields: an empty text, no choices, a blank row.
    empty = {"places": "", "groups": [], "actions": [{"what": None, "who": ""}]}
    with Session(engine) as session:
        assessment, _ = save(session, ids, 0, {**empty, "cost": 1500})
        assert assessment.answers["actions"] == [{"what": None, "who": ""}]  # the row stays
    with Session(engine) as session:
        save(session, ids, 1, {"places": "East side", "groups": [], "cost": 1500})
    with Session(engine) as session:
        changes = session.exec(select(AnswerChange).order_by(AnswerChange.id)).all()
        assert [(c.question_id, c.old, c.new) for c in changes] == [
            ("cost", None, 1500), ("places", "", "East side")]
