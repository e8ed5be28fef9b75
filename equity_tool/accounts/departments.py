"""Departments as an administrator manages them in the browser: added and renamed (never
deleted, since assessments and people belong to them), each change in the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from equity_tool.accounts.people import NAME_LENGTH, Refused
from equity_tool.core import audit
from equity_tool.core.exceptions import NotFound
from equity_tool.core.models import MAX_ID, Department, User


def departments(session: Session) -> list[tuple[Department, int]]:
    """Every department by name, with how many people belong to it."""
    counted = (select(Department, func.count(col(User.id)))
               .outerjoin(User, col(User.department_id) == Department.id)
               .group_by(col(Department.id), col(Department.name))
               .order_by(col(Department.name)))
    return [(department, count) for department, count in session.exec(counted).all()]


def department(session: Session, department_id: int) -> Department:
    found = session.get(Department, department_id) if 0 < department_id <= MAX_ID else None
    if found is None:
        raise NotFound(f"No department {department_id}")
    return found


def add_department(session: Session, *, actor: User, name: str) -> Department:
    name = _department_name(session, name)
    added = Department(name=name)
    session.add(added)
    audit.record(session, actor=actor, action="department added", subject=name)
    return _commit_department(session, added)


def rename_department(session: Session, *, actor: User, department_id: int,
                      name: str) -> Department:
    renamed = department(session, department_id)
    old = renamed.name
    name = _department_name(session, name, keep=renamed)
    if name == old:
        return renamed
    renamed.name = name
    session.add(renamed)
    audit.record(session, actor=actor, action="department renamed", subject=name,
                 **{"from": old, "to": name})
    return _commit_department(session, renamed)


def _department_name(session: Session, name: str, keep: Department | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise Refused({"name": "Enter the department's name"})
    if len(name) > NAME_LENGTH:
        raise Refused({"name": f"The name must be {NAME_LENGTH} characters or fewer"})
    clash = session.exec(
        select(Department).where(func.lower(Department.name) == name.lower())
    ).first()
    if clash is not None and clash is not keep:
        raise Refused({"name": f"There is a department called {clash.name} already: "
                               "choose another name"})
    return name


def _commit_department(session: Session, department: Department) -> Department:
    try:
        session.commit()
    except sa.exc.IntegrityError:
        # Another administrator took the name between the check and the commit.
        session.rollback()
        raise Refused({"name": "There is a department with that name already: choose "
                               "another name"}) from None
    return department
