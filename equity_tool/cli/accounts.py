"""`flask users` and `flask departments`: accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlmodel import select

from equity_tool.accounts import service as accounts
from equity_tool.core import audit
from equity_tool.core.db import get_session
from equity_tool.core.models import Department, Role

users_cli = AppGroup("users", help="Add, list and deactivate user accounts.")
departments_cli = AppGroup("departments", help="Add and list departments.")


def _fail(error: Exception) -> None:
    raise click.ClickException(str(error))


def _logged(action: str, subject: str, **detail) -> None:
    """The change in the audit log, made by nobody signed in ("the command line")."""
    session = get_session()
    audit.record(session, actor=None, action=action, subject=subject, **detail)
    session.commit()


@users_cli.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as colleagues will read it.")
@click.option("--role", required=True, help=f"One of: {', '.join(Role)}.")
@click.option("--department", help="Department name; required for staff and directors.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from stdin.")
def add_user(email: str, name: str, role: str, department: str | None, password_stdin: bool):
    """Add a user who can sign in with EMAIL."""
    # The password comes on stdin so it stays out of shell history and the process list.
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = accounts.create_user(
            get_session(), email=email, name=name, role=role, password=password,
            department_name=department,
        )
    except accounts.AccountError as error:
        _fail(error)
    _logged("user added", user.email, role=str(user.role))
    click.echo(f"Added {user.role} {user.email}")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from stdin.")
def set_password(email: str, password_stdin: bool):
    """Give EMAIL a new password; every session they had ends."""
    session = get_session()
    user = _existing(session, email)
    try:
        accounts.set_password(session, user, sys.stdin.readline().rstrip("\r\n"))
    except accounts.AccountError as error:
        _fail(error)
    _logged("password set", user.email)
    click.echo(f"New password set for {user.email}; their sessions have ended.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str):
    """Stop EMAIL from signing in, and end their sessions now; their history stays."""
    session = get_session()
    user = _existing(session, email)
    accounts.deactivate_user(session, user)
    _logged("user deactivated", user.email)
    click.echo(f"Deactivated {user.email}; their sessions have ended.")


def _existing(session, email: str):
    user = accounts.find_user(session, email=email)
    if user is None:
        raise click.ClickException(f"No user with email {accounts.normalize_email(email)}: "
                                   "`flask --app equity_tool users list` shows them all.")
    return user


@users_cli.command("list")
def list_users():
    """List every user: email, role, department, name."""
    for user, department in accounts.list_users(get_session()):
        status = "" if user.active else "  (inactive)"
        where = department.name if department else "-"
        click.echo(f"{user.email}\t{user.role}\t{where}\t{user.name}{status}")


@departments_cli.command("add")
@click.argument("name")
def add_department(name: str):
    """Add a department called NAME."""
    try:
        department = accounts.create_department(get_session(), name=name)
    except accounts.AccountError as error:
        _fail(error)
    _logged("department added", department.name)
    click.echo(f"Added department {department.name}")


@departments_cli.command("list")
def list_departments():
    """List every department."""
    for department in get_session().exec(select(Department).order_by(Department.name)):
        click.echo(department.name)
