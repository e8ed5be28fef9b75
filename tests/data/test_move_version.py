"""Moving a draft to a newer version of its questionnaire, on both databases: what carries over,
what is kept on the side and in the history, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from equity_tool.assessments import upgrade
from equity_tool.assessments.versions import store_version
from equity_tool.core.exceptions import PermissionDenied
from equity_tool.core.models import Assessment, AssessmentEvent, QuestionnaireVersion
from equity_tool.questionnaire import Questionnaire, is_unanswered, load_text
from tests import factories


def edit(source: str, old: str, new: str) -> str:
    assert old in source, old
    return source.replace(old, new, 1)


def newer_rapid_check(version: str = "2026.3") -> Questionnaire:
    """The shipped rapid check as its authors might change it: a group taken out of the list,
    a question dropped, a new rule on the cost, a column taken out of a table."""
    source = factories.load_questionnaire(factories.RAPID).source
    source = edit(source, 'version: "2026.2"', f'version: "{version}"')
    source = edit(source, "    - value: vietnamese\n"
                          "      label: {en: Vietnamese (Asian), es: Vietnamita (asiático)}\n", "")
    source = edit(source, "      - id: missing_voices\n        type: long_text\n"
                          '        label: {en: "Whose voice is missing so far?", '
                          'es: "¿Qué voces faltan hasta ahora?"}\n        max_length: 2000\n', "")
    source = edit(source, "        unit: {en: USD, es: USD}\n",
                  "        unit: {en: USD, es: USD}\n        validate:\n"
                  "          - rule: estimated_cost <= 50000\n"
                  "            message: Costs over $50,000 need the finance office's sign-off\n")
    source = edit(source, "          - id: who\n            type: text\n"
                          "            label: {en: Who would it affect, es: A quién afectaría}\n"
                          "            max_length: 300\n", "")
    result = load_text(source, "rapid-equity-check.yaml", check_files=False)
    assert result.questionnaire is not None, [str(p) for p in result.problems]
    return result.questionnaire


@pytest.fixture
def versions(session, rapid):
    """(old, new): the shipped rapid check and a newer version, both stored."""
    new = newer_rapid_check()
    store_version(session, rapid)
    store_version(session, new)
    session.commit()
    return rapid, new


def move(session, user, assessment, old, new, revision=None):
    return upgrade.move(session, user=user, assessment=assessment, old=old, new=new,
                        version=new.version,
                        revision=assessment.revision if revision is None else revision)


def test_the_draft_is_pinned_to_the_new_version_keeping_what_carries_over(
        session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"])
    before = dict(draft.answers)
    move(session, people["staff"], draft, old, new)
    stored = session.get(Assessment, draft.id)
    assert stored.questionnaire_version == "2026.3"
    assert stored.revision == 1
    assert stored.answers["decision_summary"] == before["decision_summary"]
    assert stored.answers["groups"] == ["black", "hispanic_latino", "white"]
    assert stored.answers["unintended_consequences"][0] == {
        "what": "Downtown evening users lose an hour",
        "mitigation": "Keep the downtown computer lab open until 8 p.m. on two nights."}
    assert "missing_voices" not in stored.answers and "estimated_cost" not in stored.answers


def test_what_cannot_carry_over_is_kept_with_its_answer_and_why(
        session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"])
    move(session, people["staff"], draft, old, new)
    left = session.get(Assessment, draft.id).left_behind
    assert left["missing_voices"] == {
        "label": "Whose voice is missing so far?",
        "value": "Downtown evening users who work late shifts; we will ask them in June.",
        "reason": "Not asked in version 2026.3", "version": "2026.2", "from": "version 2026.2"}
    assert left["groups"]["value"] == "Vietnamese (Asian)"
    assert left["groups"]["reason"] == "“Vietnamese (Asian)” is no longer offered"
    assert left["estimated_cost"]["value"] == "85,000 USD"
    assert left["estimated_cost"]["reason"] == (
        "Costs over $50,000 need the finance office's sign-off")
    assert left["unintended_consequences"]["reason"] == (
        "The column “Who would it affect” is no longer in the table")
    assert left["unintended_consequences"]["value"] == (
        "Row 1: Who would it affect: Shift workers who use the downtown computers\n"
        "Row 2: Who would it affect: Branch staff and teenagers")


def test_nothing_is_dropped_silently(session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"])
    before = dict(draft.answers)
    move(session, people["staff"], draft, old, new)
    stored = session.get(Assessment, draft.id)
    for question_id, answer in before.items():
        if is_unanswered(answer):
            continue
        assert question_id in stored.answers or question_id in stored.left_behind, question_id
    note = _moved_event(session, draft).note
    for item in stored.left_behind.values():
        assert upgrade.plain(item["label"]) in note  # as written, markdown marks escaped


def test_the_history_says_which_answers_were_left_behind(session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"])
    move(session, people["staff"], draft, old, new)
    event = _moved_event(session, draft)
    assert (event.from_state, event.to_state) == ("draft", "draft")
    assert event.user_id == people["staff"].id
    assert event.note.startswith("From version 2026.2 to version 2026.3: ")
    assert "Whose voice is missing so far?: “Downtown evening users" in event.note
    assert "Not asked in version 2026.3" in event.note


def test_a_move_from_a_stale_page_changes_nothing(session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"])
    with pytest.raises(upgrade.StaleMove):
        move(session, people["staff"], draft, old, new, revision=draft.revision - 1)
    # Another tab moved it in between: the same revision cannot be used twice.
    with Session(session.get_bind()) as other:
        move(other, people["staff"], other.get(Assessment, draft.id), old, new)
    with pytest.raises(upgrade.MoveRefused):
        move(session, people["staff"], draft, old, new, revision=0)
    session.expire_all()
    assert session.get(Assessment, draft.id).revision == 1
    assert len(_events(session, draft, upgrade.MOVED)) == 1


def test_the_conditional_update_refuses_a_revision_that_moved_on(
        session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"])
    with Session(session.get_bind()) as other:  # saved elsewhere after this page was read
        row = other.get(Assessment, draft.id)
        row.revision += 1
        other.add(row)
        other.commit()
    with pytest.raises(upgrade.StaleMove):
        move(session, people["staff"], draft, old, new, revision=0)
    session.expire_all()
    stored = session.get(Assessment, draft.id)
    assert (stored.questionnaire_version, stored.left_behind) == ("2026.2", {})
    assert not _events(session, draft, upgrade.MOVED)


def test_a_version_that_is_not_newer_is_refused(session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"], new, answers={})
    with pytest.raises(upgrade.MoveRefused, match=r"Version 2026\.2 is not newer than "
                                                  r"version 2026\.3"):
        move(session, people["staff"], draft, new, old)
    with pytest.raises(upgrade.MoveRefused, match=r"already uses version 2026\.3"):
        move(session, people["staff"], draft, new, new)


def test_a_retired_version_is_refused(session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"])
    stored = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.version == "2026.3")).one()
    stored.retired_at = dt.datetime.now(dt.UTC)
    session.add(stored)
    session.commit()
    with pytest.raises(upgrade.MoveRefused, match="retired"):
        move(session, people["staff"], draft, old, new)
    assert not upgrade.offers_move(session, people["staff"], draft, new)


@pytest.mark.parametrize("who", ["director", "officer", "admin", "councillor", "other"])
def test_only_the_departments_staff_move_it(session, people, answered, versions, who):
    old, new = versions
    draft = answered(people["staff"])
    with pytest.raises(PermissionDenied):
        move(session, people[who], draft, old, new)
    assert not upgrade.offers_move(session, people[who], draft, new)


def test_a_submitted_assessment_is_not_moved(session, people, answered, bring_to, versions):
    old, new = versions
    submitted = bring_to(answered(people["staff"]), "submitted")
    with pytest.raises(PermissionDenied):
        move(session, people["staff"], submitted, old, new)


def test_moving_twice_keeps_what_the_first_move_left_behind(session, people, answered, versions):
    old, new = versions
    draft = answered(people["staff"])
    move(session, people["staff"], draft, old, new)
    newest = load_text(new.source.replace('version: "2026.3"', 'version: "2026.4"'),
                       "rapid-equity-check.yaml", check_files=False).questionnaire
    store_version(session, newest)
    session.commit()
    draft = session.get(Assessment, draft.id)
    move(session, people["staff"], draft, new, newest)
    stored = session.get(Assessment, draft.id)
    assert stored.questionnaire_version == "2026.4"
    assert {"missing_voices", "groups", "estimated_cost"} <= set(stored.left_behind)


def _events(session, assessment, action):
    return session.exec(select(AssessmentEvent).where(
        AssessmentEvent.assessment_id == assessment.id,
        AssessmentEvent.action == action)).all()


def _moved_event(session, assessment):
    (event,) = _events(session, assessment, upgrade.MOVED)
    return event
