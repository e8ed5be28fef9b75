"""People and departments as an administrator manages them in the browser, each change
written to the audit log in the same commit.

Accounts are never deleted: a deactivated person's history stays, their sessions end and they
cannot sign in. There is always an active administrator: nobody deactivates or demotes the
last one. Passwords and tokens never reach the log. The rules of passwords, emails and
sessions are service.py's; its create_user and create_department commit by themselves, so
the steps here that must share a commit with the log entry are written out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from equity_tool.accounts import password_links
from equity_tool.accounts.service import (
    AccountError,
    SignInRefused,
    TooManyAttempts,
    deactivate_user,
    email_problem,
    find_user,
    normalize_email,
    password_problem,
    set_password,
    sign_in,
)
from equity_tool.core import audit
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import DEPARTMENT_ROLES, MAX_ID, Department, Role, User
from equity_tool.core.paging import Page, paged
from equity_tool.notifications.service import MailSettings, notify

NAME_LENGTH = 200  # of a person's and a department's name (the columns' length)
# No werkzeug hash looks like this, so no password matches it until one is set from the link.
NO_PASSWORD_YET = "!invited"

# The web layer's way to write a link into an email: token -> absolute URL.
LinkMaker = Callable[[str], str]


class Refused(AccountError):
    """The change cannot be made as asked; nothing changed. `errors`: form field -> message
    (None: about no one field)."""

    def __init__(self, errors: dict[str | None, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class LastAdmin(Refused):
    """The change would leave no active administrator."""

    def __init__(self, user: User) -> None:
        super().__init__({None: f"{user.name} is the only active administrator: make someone "
                                "else an administrator first, so that somebody can still "
                                "manage people. Nothing was changed."})


@dataclass(frozen=True)
class Person:
    user: User
    department: Department | None

    @property
    def invited(self) -> bool:
        """Invited, and no password set from the link yet."""
        return self.user.password_hash == NO_PASSWORD_YET


# --- reading ------------------------------------------------------------------------------


def people(session: Session, number: int = 1) -> Page:
    """Page `number` of everyone, by name: Person rows."""
    statement = (select(User, Department).outerjoin(Department)
                 .order_by(col(User.name), col(User.id)))
    page = paged(session, statement, number)
    return Page(items=[Person(u, d) for u, d in page.items], number=page.number,
                size=page.size, total=page.total)


def person(session: Session, user_id: int) -> Person:
    user = session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise NotFound(f"No user {user_id}")
    department = session.get(Department, user.department_id) if user.department_id else None
    return Person(user, department)


# --- adding a person ----------------------------------------------------------------------


def add_person(session: Session, *, actor: User, email: str, name: str, role: str,
               department: str, password: str | None, mail: MailSettings | None,
               link_for: LinkMaker) -> User:
    """A new active account. With mail, an invitation with a one-time link is queued for the
    worker; without, `password` (the administrator's choice, same rules as ever) is theirs."""
    email, name = normalize_email(email), name.strip()
    errors = _person_problems(session, email=email, name=name)
    chosen_role, chosen_department = _placement(session, role, department, errors)
    if mail is None and (problem := password_problem(password or "")):
        errors["password"] = problem
    if errors:
        raise Refused(errors)
    user = User(email=email, name=name, role=chosen_role, password_hash=NO_PASSWORD_YET,
                department_id=chosen_department.id if chosen_department else None)
    session.add(user)
    try:
        session.flush()
    except sa.exc.IntegrityError:  # added by another administrator since the check above
        session.rollback()
        raise Refused({"email": f"{email} has an account already: find them in the list of "
                                "people"}) from None
    where = {"department": chosen_department.name} if chosen_department else {}
    if mail is None:
        audit.record(session, actor=actor, action="user added", subject=email,
                     role=str(chosen_role), **where)
        set_password(session, user, password or "")  # commits, with the entry
        return user
    _send_link(session, actor=actor, user=user, purpose=password_links.INVITATION,
               mail=mail, link_for=link_for)
    audit.record(session, actor=actor, action="user invited", subject=email,
                 role=str(chosen_role), **where)
    session.commit()
    return user


def _person_problems(session: Session, *, email: str, name: str) -> dict[str | None, str]:
    errors: dict[str | None, str] = {}
    if not email:
        errors["email"] = "Enter their email address"
    elif problem := email_problem(email):
        errors["email"] = problem
    elif find_user(session, email=email):
        errors["email"] = f"{email} has an account already: find them in the list of people"
    if not name:
        errors["name"] = "Enter their name"
    elif len(name) > NAME_LENGTH:
        errors["name"] = f"The name must be {NAME_LENGTH} characters or fewer"
    return errors


def _placement(session: Session, role: str, department: str,
               errors: dict[str | None, str]) -> tuple[Role | None, Department | None]:
    """The role and department chosen, or their problems added to `errors`: staff and
    directors belong to a department, the other roles to none."""
    try:
        chosen_role = Role(role)
    except ValueError:
        errors["role"] = "Choose a role from the list"
        return None, None
    chosen = None
    if department:
        chosen = (session.get(Department, int(department))
                  if department.isascii() and department.isdigit()
                  and 0 < int(department) <= MAX_ID else None)
        if chosen is None:
            errors["department"] = "Choose a department from the list"
    if chosen_role in DEPARTMENT_ROLES and not department:
        errors["department"] = f"Choose the department a {chosen_role} belongs to"
    elif chosen_role not in DEPARTMENT_ROLES and department:
        errors["department"] = (f"The {chosen_role} role works across every department: "
                                "choose “No department”")
    return chosen_role, chosen


def _send_link(session: Session, *, actor: User, user: User, purpose: str,
               mail: MailSettings, link_for: LinkMaker) -> None:
    token, expires = password_links.issue(session, user=user, purpose=purpose,
                                          created_by=actor)
    link = password_links.link_text(link_for(token), expires)
    if purpose == password_links.INVITATION:
        subject = "Your Equity Tool account: set your password"
        opening = (f"{actor.name} has made you an Equity Tool account ({user.email}). "
                   "Set your password by opening this link:")
    else:
        subject = "Equity Tool: set a new password"
        opening = (f"{actor.name} has sent you a link to set a new password for your Equity "
                   f"Tool account ({user.email}):")
    notify(session, users=[user], subject=subject, body=f"{opening}\n\n{link}",
           assessment_id=None, mail=mail)


# --- changing a person --------------------------------------------------------------------


def change_placement(session: Session, *, actor: User, user_id: int, role: str,
                     department: str) -> User:
    """A new role and department (one commit with their log entries); LastAdmin if it would
    take the last active administrator's role away."""
    found = person(session, user_id)
    user, old_department = found.user, found.department
    errors: dict[str | None, str] = {}
    chosen_role, chosen_department = _placement(session, role, department, errors)
    if errors:
        raise Refused(errors)
    if chosen_role != user.role:
        audit.record(session, actor=actor, action="role changed", subject=user.email,
                     **{"from": str(user.role), "to": str(chosen_role)})
        if user.role == Role.ADMIN and user.active:
            _keep_an_admin(session, user)
        user.role = chosen_role
    new_id = chosen_department.id if chosen_department else None
    if new_id != user.department_id:
        audit.record(session, actor=actor, action="department changed", subject=user.email,
                     **{"from": old_department.name if old_department else None,
                        "to": chosen_department.name if chosen_department else None})
        user.department_id = new_id
    session.add(user)
    session.commit()
    return user


def deactivate(session: Session, *, actor: User, user_id: int) -> User:
    """`user_id` can no longer sign in and their sessions end now; their history stays."""
    user = person(session, user_id).user
    if user.id == actor.id:
        raise Refused({None: "You cannot deactivate your own account: ask another "
                             "administrator to do it."})
    if not user.active:
        raise Refused({None: f"{user.name} is deactivated already."})
    audit.record(session, actor=actor, action="user deactivated", subject=user.email)
    if user.role == Role.ADMIN:
        _keep_an_admin(session, user)
    deactivate_user(session, user)  # commits, with the entry
    return user


def reactivate(session: Session, *, actor: User, user_id: int) -> User:
    """`user_id` can sign in again (with their password; sessions from before stay ended)."""
    user = person(session, user_id).user
    if user.active:
        raise Refused({None: f"{user.name} is active already."})
    user.active = True
    session.add(user)
    audit.record(session, actor=actor, action="user reactivated", subject=user.email)
    session.commit()
    return user


def reset_password(session: Session, *, actor: User, user_id: int, password: str | None,
                   mail: MailSettings | None, link_for: LinkMaker) -> User:
    """With mail, a one-time link to set a new password (a day long); without, `password`
    is set now. Either way the old password stops working only when the new one is set."""
    user = person(session, user_id).user
    if not user.active:
        raise Refused({None: f"{user.name} is deactivated: reactivate them first."})
    if mail is None:
        if problem := password_problem(password or ""):
            raise Refused({"password": problem})
        audit.record(session, actor=actor, action="password set", subject=user.email)
        set_password(session, user, password or "")  # commits, with the entry
        return user
    # Someone who never used their invitation gets a new one, good for as long.
    invited = user.password_hash == NO_PASSWORD_YET
    purpose = password_links.INVITATION if invited else password_links.RESET
    _send_link(session, actor=actor, user=user, purpose=purpose, mail=mail, link_for=link_for)
    audit.record(session, actor=actor, subject=user.email,
                 action="invitation sent again" if invited else "password reset sent")
    session.commit()
    return user


def _keep_an_admin(session: Session, leaving: User) -> None:
    """LastAdmin (all undone) unless another administrator stays active.

    Called once the change's log entry is flushed, so that two administrators deactivating
    each other at once cannot both pass: on SQLite that INSERT took the one write lock, and
    the second change waits for the first to commit before it counts; on PostgreSQL the
    count locks the administrators' rows and counts again after the first commits."""
    others = session.exec(
        select(User.id)
        .where(User.role == Role.ADMIN, User.active == sa.true())
        .with_for_update()
    ).all()
    if not [user_id for user_id in others if user_id != leaving.id]:
        refused = LastAdmin(leaving)
        session.rollback()
        raise refused


# --- a person's own password --------------------------------------------------------------


def change_own_password(session: Session, *, user: User, current: str, new: str,
                        confirm: str, client_address: str | None) -> None:
    """`user` replaces their password, knowing the current one; their other sessions end
    (the caller signs this one in again). The current password is checked as sign-in checks
    it, under the same limits, so a stolen session cannot be used to guess it."""
    errors: dict[str | None, str] = {}
    try:
        sign_in(session, email=user.email, password=current, client_address=client_address)
    except TooManyAttempts as refused:
        errors["current"] = str(refused)
    except SignInRefused:
        errors["current"] = "Your current password is not right: type it again"
    try:
        password_links.check_new_password(new, confirm)
    except AccountError as problem:
        errors["new"] = str(problem)
    if errors:
        raise Refused(errors)
    audit.record(session, actor=user, action="password changed", subject=user.email)
    set_password(session, user, new)  # commits, with the entry
