"""Every route × every role × every assessment state: allowed or denied, as the rules say.

A route that is not in RULES fails `test_every_route_has_a_rule`, so a new page cannot ship
without deciding who may use it. "Denied" is a 403, a 404 (for an assessment one may not
know about) or, for someone signed out, the way to the sign-in page; "allowed" is anything
else that is not a server error (a 409 from the workflow still got past authorization).
Requests are built so that they change nothing when allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from equity_tool import demo
from equity_tool.core import db
from equity_tool.core.models import Assessment, FollowUpItem, QuestionnaireDraft, ReviewComment
from equity_tool.core.vocabulary import AssessmentState
from equity_tool.demo import create_demo_assessments

OFFICE_ROLES = {"officer", "admin"}
DEPARTMENT = {"staff", "director"}
ROLES = ["staff", "director", "officer", "councillor", "admin", "other_staff",
         "other_director", "anonymous"]
EMAILS = {role: email for role, (email, _, _) in
          ((r.value, v) for r, v in demo.DEMO_USERS.items())}
EMAILS |= {"other_staff": "pat@city.gov", "other_director": "dana@city.gov"}


def may_see(role: str, state: str) -> bool:
    return role in OFFICE_ROLES or role in DEPARTMENT or (
        role == "councillor" and state == AssessmentState.APPROVED)


def may_edit(role: str, state: str) -> bool:
    return role == "staff" and state in (AssessmentState.DRAFT, AssessmentState.RETURNED)


def signed_in(role: str, state: str) -> bool:
    return role != "anonymous"


@dataclass(frozen=True)
class Rule:
    allowed: Callable[[str, str], bool]
    data: dict | None = None  # form for a POST, chosen so that an allowed post changes nothing
    per_assessment: bool = True


NO_CHANGE = {"revision": "999999", "action": "save"}  # a stale revision: refused with 409
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "home.index"): Rule(signed_in, per_assessment=False),
    ("GET", "home.favicon"): Rule(lambda r, s: True, per_assessment=False),
    ("GET", "questionnaires.list_questionnaires"): Rule(signed_in, per_assessment=False),
    ("GET", "questionnaires.start"): Rule(signed_in, per_assessment=False),
    ("POST", "questionnaires.start"): Rule(lambda r, s: r in ("staff", "other_staff"),
                                           data={"title": ""}, per_assessment=False),
    ("GET", "notifications.list_notifications"): Rule(signed_in, per_assessment=False),
    ("GET", "notifications.open_notification"): Rule(lambda r, s: r == "officer",
                                                     per_assessment=False),  # the officer's: id 1
    ("GET", "review.queue"): Rule(lambda r, s: r == "officer", per_assessment=False),
    ("GET", "assessments.task_list"): Rule(may_see),
    ("GET", "assessments.check_answers"): Rule(may_see),
    ("GET", "assessments.submitted"): Rule(may_see),
    ("GET", "assessments.show_section"): Rule(may_see),
    ("POST", "assessments.save_section"): Rule(may_edit, data=NO_CHANGE),
    ("POST", "assessments.autosave"): Rule(may_edit, data=NO_CHANGE),
    ("POST", "assessments.submit"): Rule(may_edit, data={"revision": "999999"}),
    ("GET", "review.list_comments"): Rule(may_see),
    ("GET", "review.show_history"): Rule(may_see),
    ("GET", "review.show_review"): Rule(lambda r, s: r == "officer"),
    ("POST", "review.add_comment"): Rule(lambda r, s: r == "officer", data={"body": ""}),
    ("POST", "review.set_verdict"): Rule(lambda r, s: r == "officer", data={}),
    # The workflow decides which actions each role may take; the page must be one's to see.
    ("POST", "review.create_transition"): Rule(
        may_see, data={"action": "approve", "expected_state": "withdrawn"}),
    ("POST", "review.add_reply"): Rule(lambda r, s: r == "staff", data={"body": ""}),
    ("GET", "reading_room.list_approved"): Rule(signed_in, per_assessment=False),
    ("GET", "reading_room.show_assessment"): Rule(may_see),
    ("GET", "reading_room.download_assessment"): Rule(may_see),
    # Follow-up exists once approved: read by whoever reads the assessment, posted to by the
    # department (an allowed post is stale, a 409, and changes nothing).
    ("GET", "followup.list_items"): Rule(lambda r, s: may_see(r, s) and s == "approved"),
    ("GET", "followup.show_item"): Rule(lambda r, s: may_see(r, s) and s == "approved"),
    ("POST", "followup.post_update"): Rule(
        lambda r, s: r in DEPARTMENT and s == "approved",
        data={"revision": "999999", "status": "on track", "happened_on": "2026-01-01"}),
    ("GET", "followup.department_items"): Rule(lambda r, s: r in DEPARTMENT | OFFICE_ROLES,
                                               per_assessment=False),
    ("GET", "dashboard.show_dashboard"): Rule(lambda r, s: r in OFFICE_ROLES,
                                              per_assessment=False),
    ("GET", "dashboard.download_table"): Rule(lambda r, s: r in OFFICE_ROLES,
                                              per_assessment=False),
    ("GET", "reports.new_annual_report"): Rule(lambda r, s: r in OFFICE_ROLES,
                                               per_assessment=False),
    ("POST", "reports.create_annual_report"): Rule(lambda r, s: r in OFFICE_ROLES,
                                                   data={"year": "1990", "format": "csv"},
                                                   per_assessment=False),
    # Questionnaire administration (issue 14): the equity office. A post without its
    # confirmation retires nothing; restoring a version that is not retired changes nothing.
    **{(method, f"questionnaire_admin.{name}"): Rule(lambda r, s: r in OFFICE_ROLES,
                                                     data={}, per_assessment=False)
       for method, name in (("GET", "list_questionnaires"), ("GET", "download_version"),
                            ("GET", "retire_version"), ("POST", "retire_version"),
                            ("POST", "restore_version"), ("GET", "compare_versions"))},
    # People, departments and the audit log (issue 14): the administrator alone. Posts about
    # the administrator themself, with nothing filled in, are refused and change nothing.
    **{(method, f"people.{name}"): Rule(lambda r, s: r == "admin", data={},
                                        per_assessment=False)
       for method, name in (("GET", "list_people"), ("GET", "new_person"),
                            ("POST", "create_person"), ("GET", "show_person"),
                            ("POST", "change_placement"), ("POST", "deactivate_person"),
                            ("POST", "reactivate_person"), ("POST", "reset_password"),
                            ("GET", "list_departments"), ("POST", "create_department"),
                            ("GET", "edit_department"), ("POST", "rename_department"),
                            ("GET", "audit_log"))},
    # Writing questionnaires in the browser (issue 14): the equity office. Saving and publishing
    # from a stale revision (409), an upload without a file and the preview's start form
    # unfilled (422) change nothing; a started draft is seen by nothing else here.
    **{(method, f"editor.{name}"): Rule(lambda r, s: r in OFFICE_ROLES,
                                        data={"revision": "999999", "source": "id: x"},
                                        per_assessment=False)
       for method, name in (("GET", "list_drafts"), ("POST", "create_draft"),
                            ("POST", "upload_draft"), ("GET", "edit_draft"),
                            ("POST", "save_draft"), ("POST", "check_draft"),
                            ("POST", "publish_draft"), ("POST", "delete_draft"),
                            ("GET", "preview_draft"), ("POST", "preview_draft"))},
    # One's own password (an empty form is refused); links to set one are public.
    ("GET", "account.edit_password"): Rule(signed_in, per_assessment=False),
    ("POST", "account.change_password"): Rule(signed_in, data={}, per_assessment=False),
    # Moving a draft to a newer version (none is newer here: a 409 for those who may) and
    # starting the full assessment from a rapid check (asked for by no flag here: a 409 for
    # the department's staff); an empty post changes nothing.
    ("GET", "version_move.move_version"): Rule(may_edit),
    ("POST", "version_move.move_version"): Rule(may_edit, data={}),
    # Setting aside the answers not carried over: whoever may edit it (none here: a redirect).
    ("POST", "version_move.set_aside_left_behind"): Rule(may_edit, data={}),
    ("GET", "version_move.start_escalation"): Rule(lambda r, s: r == "staff"),
    ("POST", "version_move.start_escalation"): Rule(lambda r, s: r == "staff", data={}),
    # The public register is off in this app, so it is a 404 for everyone, a forged post
    # included; with it on, tests/web/test_public_register.py tries every role.
    ("POST", "public.change_publication"): Rule(lambda r, s: False, data={"published": "no"}),
}
PUBLIC = {"auth.sign_in", "auth.sign_out", "static", "public.list_published",
          "public.show_published", "public.download_published", "public.published_csv",
          "public.published_json", "public.published_feed",
          "account.set_password_from_link", "account.use_link"}


@pytest.fixture
def world(app, session):
    """The demo users and nine demo assessments (every state, all in Transportation), and
    staff and a director of another demo department."""
    demo.create_demo(session)
    users = {role.value: user for role, user in (
        (role, session.exec(select(demo.User).where(demo.User.email == email)).one())
        for role, (email, _, _) in demo.DEMO_USERS.items())}
    with app.app_context():
        create_demo_assessments(session, app.extensions["equity_tool.registry"], users)
    from equity_tool.accounts import service as accounts

    for role, email in (("staff", "pat@city.gov"), ("director", "dana@city.gov")):
        accounts.create_user(session, email=email, name=email, role=role,
                             password=demo.DEMO_PASSWORD, department_name="Housing")
    by_state = {}
    for assessment in session.exec(select(Assessment).order_by(Assessment.id)):
        by_state.setdefault(assessment.state, assessment)
    comment = session.exec(select(ReviewComment)).first()
    return by_state, comment


def test_every_route_has_a_rule(app):
    routes = {(method, rule.endpoint) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    missing = sorted(r for r in routes if r not in RULES and r[1] not in PUBLIC)
    assert not missing, f"routes without an authorization rule: {missing}"
    assert not set(RULES) - routes, "rules for routes that no longer exist"


def _url(app, endpoint: str, assessment, comment) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    if "assessment_id" in rule.arguments:
        values["assessment_id"] = assessment.id
    if "section_id" in rule.arguments:
        values["section_id"] = "decision" if assessment.questionnaire_id.startswith("rapid") \
            else "about"
    if "comment_id" in rule.arguments:
        values["comment_id"] = comment.id
    if "notification_id" in rule.arguments:
        values["notification_id"] = 1  # the demo's first: the officer's, on its first submission
    if "fmt" in rule.arguments:
        values["fmt"] = "docx"
    if "name" in rule.arguments:  # a dashboard table
        values["name"] = "by-department-and-state"
    if "questionnaire_id" in rule.arguments:
        values["questionnaire_id"] = "rapid-equity-check"
        values.update({"version": "2026.2"} if "version" in rule.arguments else {})
    if "item_id" in rule.arguments:  # a follow-up item of an assessment in the same state
        values["assessment_id"], values["item_id"] = _first_item(app, assessment)
    if "department_id" in rule.arguments:
        values["department_id"] = assessment.department_id
    values.update({"draft_id": _a_draft(app)} if "draft_id" in rule.arguments else {})
    # The demo administrator, who may not remove themself: an allowed post changes nothing.
    values.update({"user_id": _admin_id(app)} if "user_id" in rule.arguments else {})
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _a_draft(app) -> int:
    """A questionnaire draft's id, made when there is none (an allowed delete removes it)."""
    with Session(db.get_engine(app)) as session:
        draft = session.exec(select(QuestionnaireDraft)).first()
        if draft is None:
            admin = session.exec(select(demo.User).where(demo.User.email == EMAILS["admin"]))
            draft = QuestionnaireDraft(source="id: x\n", created_by_id=admin.one().id)
            session.add(draft)
            session.commit()
        return draft.id


def _admin_id(app) -> int:
    with Session(db.get_engine(app)) as session:
        return session.exec(select(demo.User.id).where(demo.User.email == EMAILS["admin"])).one()


def _first_item(app, assessment) -> tuple[int, int]:
    """(assessment id, item id) of the first item of an assessment in `assessment`'s state
    (not every approved demo assessment has tracked rows); (its id, 0) when there is none."""
    with Session(db.get_engine(app)) as session:
        found = session.exec(
            select(FollowUpItem.assessment_id, FollowUpItem.id)
            .join(Assessment, Assessment.id == FollowUpItem.assessment_id)
            .where(Assessment.state == assessment.state).order_by(FollowUpItem.id)).first()
    return tuple(found) if found else (assessment.id, 0)


def _denied(response) -> bool:
    to_sign_in = response.status_code == 302 and "/sign-in" in (response.location or "")
    return response.status_code in (403, 404) or to_sign_in


@pytest.mark.parametrize(("method", "endpoint"), sorted(RULES), ids=lambda v: v)
def test_route_by_role_and_state(app, world, method, endpoint, database_url):
    if "postgresql" in database_url:
        pytest.skip("the matrix runs on SQLite; the rules do not depend on the database")
    by_state, comment = world
    rule = RULES[(method, endpoint)]
    app.config["WTF_CSRF_ENABLED"] = False  # CSRF is tested on its own; here, who may do what
    states = list(by_state) if rule.per_assessment else [None]
    if endpoint == "review.add_reply":  # replies need a comment of that very assessment
        states = [s for s in states if by_state[s].id == comment.assessment_id]
    mismatches = []
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            response = client.post("/sign-in", data={"email": EMAILS[role],
                                                    "password": demo.DEMO_PASSWORD})
            assert response.status_code == 302, role
        for state in states:
            assessment = by_state[state] if state else next(iter(by_state.values()))
            url = _url(app, endpoint, assessment, comment)
            response = client.open(url, method=method, data=rule.data or {})
            assert response.status_code < 500, (role, state, url)
            expected = rule.allowed(role, state or "")
            if expected == _denied(response):
                mismatches.append((role, str(state), response.status_code,
                                   "should be allowed" if expected else "should be denied"))
    assert not mismatches, mismatches
