"""Required-ness follows the answers (issue 11, item 2): a question whose `required` expression
turns true loses "(optional)" from its label at the next autosave, and after each save
without JavaScript.

The autosave redraws only that label (an out-of-band swap of its span), never the field, so
what someone is typing there is left alone.
"""

from __future__ import annotations

import pytest

from equity_tool.assessments.wizard import has_conditions, to_redraw, to_relabel
from equity_tool.questionnaire import evaluate, load_text
from tests.conftest import squash
from tests.factories import QUESTIONNAIRES

FULL = "racial-equity-impact-assessment"
COST_LABEL = "//span[@id='q-estimated_cost-label']"


@pytest.fixture
def staff(client, people, login):
    login(client, people["staff"].email)
    return client


@pytest.fixture
def draft(answered, people, full):
    """A draft of the full assessment, about a program: the estimated cost is optional."""
    return answered(people["staff"], full, answers={"title": "Eastside pool renovation",
                                                   "decision_kind": "program"})


def step_url(assessment_id: int, section: str) -> str:
    return f"/assessments/{assessment_id}/sections/{section}"


def autosave(client, assessment_id: int, section: str, changes: dict):
    """What htmx posts when a field of the step changes: the whole form, as it stands."""
    page = client.get_page(step_url(assessment_id, section))
    _, values = page.form_data("//form[@id='section-form']")
    values.pop("action", None)
    return client.post_page(step_url(assessment_id, section) + "/autosave",
                            {**values, **changes}, headers={"HX-Request": "true"})


def label(page, question_id: str) -> str:
    return squash(page.one(f"//span[@id='q-{question_id}-label']").text_content())


def test_choosing_a_capital_project_makes_the_cost_required_at_once(staff, draft):
    page = staff.get_page(step_url(draft.id, "about"))
    assert label(page, "estimated_cost") == "Estimated cost (optional)"

    response = autosave(staff, draft.id, "about", {"decision_kind": "capital_project"})
    assert response.status == 200
    swapped = response.one(COST_LABEL)
    assert swapped.get("data-hx-swap-oob") == "true"
    assert squash(swapped.text_content()) == "Estimated cost"
    assert "Now required: Estimated cost" in response.text("//p[@id='save-status']")
    # Only the label: the field (and whatever is being typed in it) is not replaced.
    assert not response.all("//input[@name='estimated_cost']")
    assert not response.all("//div[@id='question-estimated_cost']")
    # Nothing else changed its required-ness, so nothing else is redrawn.
    assert len(response.all("//span[@data-hx-swap-oob]")) == 1

    # The page opened afterwards agrees.
    assert label(staff.get_page(step_url(draft.id, "about")), "estimated_cost") == (
        "Estimated cost")

    back = autosave(staff, draft.id, "about", {"decision_kind": "program"})
    assert squash(back.one(COST_LABEL).text_content()) == "Estimated cost (optional)"
    assert "Now optional: Estimated cost" in back.text("//p[@id='save-status']")


def test_an_autosave_that_changes_no_required_ness_redraws_no_label(staff, draft):
    response = autosave(staff, draft.id, "about", {"decision_kind": "policy"})
    assert response.status == 200
    assert not response.all("//span[@data-hx-swap-oob]")
    # Typing a cost into a field that is already required redraws nothing either.
    autosave(staff, draft.id, "about", {"decision_kind": "budget"})
    typed = autosave(staff, draft.id, "about", {"estimated_cost": "1200000"})
    assert not typed.all(COST_LABEL)
    assert not typed.all("//div[starts-with(@id, 'question-')]")


def test_engagement_labels_follow_the_engagement_answers(staff, draft):
    page = staff.get_page(step_url(draft.id, "engagement"))
    assert label(page, "engagement_activities") == "Engagement so far (optional)"
    assert label(page, "engagement_findings").endswith("(optional)")

    engaged = autosave(staff, draft.id, "engagement", {"most_affected_engaged": "yes"})
    assert squash(engaged.one("//span[@id='q-engagement_activities-label']").text_content()) \
        == "Engagement so far"
    # the question that appears comes back whole, as before
    assert engaged.all("//div[@id='question-engagement_level']")

    row = {"engagement_activities--0--participants": "Eastside tenants' union",
           "engagement_activities--0--method": "Two evening meetings"}
    activity = autosave(staff, draft.id, "engagement", row)
    findings = squash(activity.one("//span[@id='q-engagement_findings-label']").text_content())
    assert findings == "What did engagement show about benefits, burdens and their causes?"
    assert not activity.all("//textarea[@name='engagement_findings']")


def test_without_javascript_the_labels_match_the_saved_answers(staff, draft):
    page = staff.get_page(step_url(draft.id, "about"))
    # "Save and continue" with the cost left empty: refused, and the label says why.
    refused = staff.submit(page, {"decision_kind": "capital_project", "action": "continue"},
                           form="//form[@id='section-form']")
    assert refused.status == 422
    assert "Enter an answer for “Estimated cost”" in refused.error_summary
    assert label(refused, "estimated_cost") == "Estimated cost"

    # "Save and return" does not block; the step opened again shows the label as saved.
    page = staff.get_page(step_url(draft.id, "about"))
    back = staff.submit(page, {"decision_kind": "program", "action": "save"},
                        form="//form[@id='section-form']")
    assert back.status == 302
    page = staff.get_page(step_url(draft.id, "about"))
    assert label(page, "estimated_cost") == "Estimated cost (optional)"
    saved = staff.submit(page, {"decision_kind": "contract", "action": "save"},
                         form="//form[@id='section-form']")
    assert saved.status == 302
    assert label(staff.get_page(step_url(draft.id, "about")), "estimated_cost") == (
        "Estimated cost")


def test_a_required_expression_alone_counts_as_a_condition(rapid, full):
    assert not has_conditions(rapid)  # nothing in the rapid check depends on other answers
    assert has_conditions(full)
    text = (QUESTIONNAIRES / "rapid-equity-check.yaml").read_text(encoding="utf-8")
    cost = "        unit: {en: USD, es: USD}\n"
    assert text.count(cost) == 1
    variant = load_text(text.replace(
        cost, cost + "        required: \"answered(decision_summary)\"\n"), check_files=False)
    assert variant.questionnaire is not None, variant.problems
    assert has_conditions(variant.questionnaire)

    section = variant.questionnaire.section("decision")
    before = evaluate(variant.questionnaire, {})
    after = evaluate(variant.questionnaire, {"decision_summary": "Longer hours."})
    assert to_redraw(section, before, after, {}, {}) == []
    assert to_relabel(section, before, after) == ["estimated_cost"]
    assert to_relabel(section, before, after, redrawn=["estimated_cost"]) == []
    assert to_relabel(section, None, after) == []
