"""People and departments as an administrator changes them, on SQLite and PostgreSQL: every
change in the audit log in the same commit, never a password; nobody removes the last active
administrator, not even two administrators deactivating each other at once."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select
from werkzeug.security import check_password_hash

from equity_tool.accounts import departments
from equity_tool.accounts import people as admin
from equity_tool.accounts import service as accounts
from equity_tool.core import audit, db
from equity_tool.core.models import AuditEntry, Department, Notification, PasswordLink, User
from equity_tool.notifications.service import MailSettings
from tests.conftest import PASSWORD

NEW_PASSWORD = "violet harbour lantern 42"
MAIL = MailSettings(host="127.0.0.1", port=2525)


def link(token: str) -> str:
    return f"https://equity.city.gov/set-password/{token}"


def log(session: Session) -> list[tuple[str, str, dict]]:
    """The audit log, oldest first: (action, subject, details)."""
    session.expire_all()
    rows = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    return [(entry.action, entry.subject, dict(entry.detail)) for entry in rows]


def add(session, actor, **fields):
    typed = {"email": "newt@city.gov", "name": "Newt Person", "role": "staff",
             "department": str(accounts.find_department(session, name="Transportation").id),
             "password": None, "mail": MAIL, "link_for": link, **fields}
    return admin.add_person(session, actor=actor, **typed)


# --- adding people ------------------------------------------------------------------------


def test_an_invited_person_gets_an_email_with_a_link_and_cannot_sign_in_yet(session, people):
    added = add(session, people["admin"])
    [notification] = session.exec(select(Notification)).all()
    assert notification.user_id == added.id and notification.email_status == "pending"
    assert "https://equity.city.gov/set-password/" in notification.body
    assert "Adi Admin" in notification.body
    [stored] = session.exec(select(PasswordLink)).all()
    assert stored.purpose == "invitation" and stored.used_at is None
    token = notification.body.split("/set-password/")[1].split()[0]
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert (stored.expires_at - stored.created_at).days == 7
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(session, email="newt@city.gov", password="", client_address="t")
    assert log(session) == [("user invited", "newt@city.gov",
                             {"role": "staff", "department": "Transportation"})]


def test_without_mail_the_administrator_sets_the_first_password(session, people):
    add(session, people["admin"], role="officer", department="", mail=None,
        password=NEW_PASSWORD)
    user = accounts.sign_in(session, email="newt@city.gov", password=NEW_PASSWORD,
                            client_address="t")
    assert user.role == "officer" and user.department_id is None
    assert session.exec(select(Notification)).all() == []
    assert log(session) == [("user added", "newt@city.gov", {"role": "officer"})]
    assert NEW_PASSWORD not in str(log(session))


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"email": "not an address"}, "email", "is not an email address"),
    ({"email": "ANA@city.gov"}, "email", "has an account already"),
    ({"name": "  "}, "name", "Enter their name"),
    ({"role": "emperor"}, "role", "Choose a role from the list"),
    ({"department": ""}, "department", "Choose the department a staff belongs to"),
    ({"department": "99999"}, "department", "Choose a department from the list"),
    ({"role": "officer"}, "department", "works across every department"),
    ({"mail": None, "password": "short"}, "password", "at least 12 characters"),
    ({"mail": None, "password": "password1234"}, "password", "common passwords"),
])
def test_a_person_who_cannot_be_added_changes_nothing(session, people, fields, field,
                                                      message):
    before = len(session.exec(select(User)).all())
    with pytest.raises(admin.Refused) as refused:
        add(session, people["admin"], **fields)
    assert message in refused.value.errors[field]
    session.rollback()
    assert len(session.exec(select(User)).all()) == before
    assert log(session) == []


# --- changing people ----------------------------------------------------------------------


def test_a_role_and_department_change_is_logged_from_and_to(session, people):
    housing = accounts.find_department(session, name="Housing")
    admin.change_placement(session, actor=people["admin"], user_id=people["staff"].id,
                           role="director", department=str(housing.id))
    session.refresh(people["staff"])
    assert people["staff"].role == "director"
    assert people["staff"].department_id == housing.id
    assert log(session) == [
        ("role changed", "ana@city.gov", {"from": "staff", "to": "director"}),
        ("department changed", "ana@city.gov", {"from": "Transportation", "to": "Housing"}),
    ]
    admin.change_placement(session, actor=people["admin"], user_id=people["staff"].id,
                           role="councillor", department="")
    assert log(session)[-1] == ("department changed", "ana@city.gov",
                                {"from": "Housing", "to": None})


def test_a_deactivated_person_cannot_sign_in_and_their_history_stays(session, people):
    staff = people["staff"]
    version = staff.session_version
    admin.deactivate(session, actor=people["admin"], user_id=staff.id)
    session.refresh(staff)
    assert staff.active is False and staff.session_version == version + 1
    assert session.get(User, staff.id) is not None  # never deleted
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(session, email=staff.email, password=PASSWORD, client_address="t")
    admin.reactivate(session, actor=people["admin"], user_id=staff.id)
    assert accounts.sign_in(session, email=staff.email, password=PASSWORD,
                            client_address="t").id == staff.id
    assert [entry[:2] for entry in log(session)] == [
        ("user deactivated", "ana@city.gov"), ("user reactivated", "ana@city.gov")]


def test_the_last_active_administrator_is_never_deactivated_or_demoted(session, people):
    other = accounts.create_user(session, email="second@city.gov", name="Second Admin",
                                 role="admin", password=PASSWORD)
    with pytest.raises(admin.Refused, match="your own account"):
        admin.deactivate(session, actor=people["admin"], user_id=people["admin"].id)
    admin.deactivate(session, actor=people["admin"], user_id=other.id)
    with pytest.raises(admin.LastAdmin, match="only active administrator"):
        admin.change_placement(session, actor=people["admin"], user_id=people["admin"].id,
                               role="officer", department="")
    session.rollback()
    # An inactive administrator does not count: reactivated, they would; demoted, no matter.
    admin.change_placement(session, actor=people["admin"], user_id=other.id, role="officer",
                           department="")
    session.refresh(people["admin"])
    assert people["admin"].role == "admin" and people["admin"].active
    assert [entry[0] for entry in log(session)] == ["user deactivated", "role changed"]


def test_the_last_admin_cannot_be_deactivated_by_anyone(session, people):
    # Made through the service directly (as the command line could): an admin-only rule still
    # holds when the actor is not an administrator themself.
    with pytest.raises(admin.LastAdmin):
        admin.deactivate(session, actor=people["officer"], user_id=people["admin"].id)
    session.rollback()
    session.refresh(people["admin"])
    assert people["admin"].active and log(session) == []


def test_two_administrators_deactivating_each_other_at_once_leave_one(app, session, people):
    second = accounts.create_user(session, email="second@city.gov", name="Second Admin",
                                  role="admin", password=PASSWORD)
    pairs = [(people["admin"].id, second.id), (second.id, people["admin"].id)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def deactivate(actor_id: int, target_id: int) -> None:
        with Session(db.get_engine(app)) as own:
            actor = own.get(User, actor_id)
            start.wait()
            try:
                admin.deactivate(own, actor=actor, user_id=target_id)
                outcomes.append("done")
            except admin.LastAdmin:
                outcomes.append("refused")
            except Exception as error:  # SQLite: the second writer's snapshot is stale
                outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=deactivate, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    session.expire_all()
    active = session.exec(select(User).where(User.role == "admin", User.active)).all()
    assert len(active) == 1, outcomes
    assert outcomes.count("done") == 1, outcomes


def test_a_reset_sends_a_day_long_link_and_keeps_the_old_password_until_used(session, people):
    admin.reset_password(session, actor=people["admin"], user_id=people["staff"].id,
                         password=None, mail=MAIL, link_for=link)
    [stored] = session.exec(select(PasswordLink)).all()
    assert stored.purpose == "reset" and (stored.expires_at - stored.created_at).days == 1
    assert accounts.sign_in(session, email="ana@city.gov", password=PASSWORD,
                            client_address="t")
    admin.reset_password(session, actor=people["admin"], user_id=people["staff"].id,
                         password=None, mail=MAIL, link_for=link)
    session.refresh(stored)
    assert stored.used_at is not None  # replaced by the newer link
    assert [entry[0] for entry in log(session)] == ["password reset sent"] * 2


def test_without_mail_a_reset_sets_the_password_and_ends_sessions(session, people):
    staff = people["staff"]
    version = staff.session_version
    with pytest.raises(admin.Refused, match="at least 12"):
        admin.reset_password(session, actor=people["admin"], user_id=staff.id,
                             password="short", mail=None, link_for=link)
    admin.reset_password(session, actor=people["admin"], user_id=staff.id,
                         password=NEW_PASSWORD, mail=None, link_for=link)
    session.refresh(staff)
    assert check_password_hash(staff.password_hash, NEW_PASSWORD)
    assert staff.session_version == version + 1
    assert log(session) == [("password set", "ana@city.gov", {})]


def test_a_deactivated_person_gets_no_reset(session, people):
    admin.deactivate(session, actor=people["admin"], user_id=people["staff"].id)
    with pytest.raises(admin.Refused, match="reactivate them first"):
        admin.reset_password(session, actor=people["admin"], user_id=people["staff"].id,
                             password=None, mail=MAIL, link_for=link)


def test_a_person_changes_their_own_password_knowing_the_current_one(session, people):
    staff = people["staff"]
    with pytest.raises(admin.Refused) as refused:
        admin.change_own_password(session, user=staff, current="wrong", new=NEW_PASSWORD,
                                  confirm="something else", client_address="t")
    assert set(refused.value.errors) == {"current", "new"}
    admin.change_own_password(session, user=staff, current=PASSWORD, new=NEW_PASSWORD,
                              confirm=NEW_PASSWORD, client_address="t")
    assert accounts.sign_in(session, email=staff.email, password=NEW_PASSWORD,
                            client_address="t")
    assert log(session) == [("password changed", "ana@city.gov", {})]


def test_guessing_the_current_password_is_limited_as_sign_in_is(session, people):
    staff = people["staff"]
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(admin.Refused, match="not right"):
            admin.change_own_password(session, user=staff, current="guess", new=NEW_PASSWORD,
                                      confirm=NEW_PASSWORD, client_address="10.0.0.9")
    with pytest.raises(admin.Refused, match="too many failed attempts"):
        admin.change_own_password(session, user=staff, current=PASSWORD, new=NEW_PASSWORD,
                                  confirm=NEW_PASSWORD, client_address="10.0.0.9")
    assert log(session) == []


# --- departments --------------------------------------------------------------------------


def test_departments_are_added_and_renamed_with_unique_names(session, people):
    added = departments.add_department(session, actor=people["admin"], name="  Parks   and Rec ")
    assert added.name == "Parks and Rec"
    with pytest.raises(admin.Refused, match="There is a department called Housing already"):
        departments.add_department(session, actor=people["admin"], name="housing")
    with pytest.raises(admin.Refused, match="called Transportation already"):
        departments.rename_department(session, actor=people["admin"], department_id=added.id,
                                name="Transportation")
    with pytest.raises(admin.Refused, match="Enter the department's name"):
        departments.rename_department(session, actor=people["admin"], department_id=added.id,
                                name=" ")
    session.rollback()
    departments.rename_department(session, actor=people["admin"], department_id=added.id,
                            name="Parks and Recreation")
    assert session.get(Department, added.id).name == "Parks and Recreation"
    assert log(session) == [
        ("department added", "Parks and Rec", {}),
        ("department renamed", "Parks and Recreation",
         {"from": "Parks and Rec", "to": "Parks and Recreation"}),
    ]


def test_the_audit_log_reads_newest_first_with_who(session, people):
    departments.add_department(session, actor=people["admin"], name="Parks")
    departments.add_department(session, actor=None, name="Libraries")  # as the command line would
    page = audit.entries(session)
    assert [(e.subject, u.name if u else None) for e, u in page.items] == [
        ("Libraries", None), ("Parks", "Adi Admin")]


def test_someone_who_never_used_their_invitation_is_invited_again(session, people):
    added = add(session, people["admin"])
    assert admin.person(session, added.id).invited
    admin.reset_password(session, actor=people["admin"], user_id=added.id, password=None,
                         mail=MAIL, link_for=link)
    stored = session.exec(select(PasswordLink).order_by(PasswordLink.id)).all()
    assert [row.purpose for row in stored] == ["invitation", "invitation"]
    assert stored[0].used_at is not None and stored[1].used_at is None  # the first replaced
    assert [entry[0] for entry in log(session)] == ["user invited", "invitation sent again"]
    assert not admin.person(session, people["staff"].id).invited
