"""`flask users`, `flask departments` and `flask demo`: accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlmodel import Session, select

from . import accounts
from .db import get_session
from .demo import create_demo_assessments
from .models import Department, Role, User

users_cli = AppGroup("users", help="Add and list user accounts.")
departments_cli = AppGroup("departments", help="Add and list departments.")

DEMO_PASSWORD = "equity-demo-password"
DEMO_DEPARTMENTS = ("Transportation", "Parks and Recreation", "Housing")
# role: (email, name, department)
DEMO_USERS = {
    Role.STAFF: ("staff@example.org", "Sam Staff", "Transportation"),
    Role.DIRECTOR: ("director@example.org", "Dana Director", "Transportation"),
    Role.OFFICER: ("officer@example.org", "Olu Officer", None),
    Role.COUNCILLOR: ("councillor@example.org", "Cam Councillor", None),
    Role.ADMIN: ("admin@example.org", "Ari Admin", None),
}


def _fail(error: Exception) -> None:
    raise click.ClickException(str(error))


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
    click.echo(f"Added {user.role} {user.email}")


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
    click.echo(f"Added department {department.name}")


@departments_cli.command("list")
def list_departments():
    """List every department."""
    for department in get_session().exec(select(Department).order_by(Department.name)):
        click.echo(department.name)


@click.command("demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing if any user exists.")
@click.option("--url", default="http://127.0.0.1:5000", help="Where the app will be served.")
def demo(if_empty: bool, url: str):
    """Create demo departments and one demo user per role, then say how to sign in."""
    session = get_session()
    if if_empty and session.exec(select(User)).first():
        click.echo("Users exist already: no demo data added.")
        return
    create_demo(session)
    users = {role.value: accounts.find_user(session, email=email)
             for role, (email, _, _) in DEMO_USERS.items()}
    made = create_demo_assessments(session, current_app.extensions["equity_tool.registry"],
                                   users)
    if made:
        click.echo(f"Added {made} demo assessments, one or more in every state.")
    click.echo(f"Sign in at {url.rstrip('/')}/sign-in with password {DEMO_PASSWORD!r} as:")
    for role, (email, _name, department) in DEMO_USERS.items():
        click.echo(f"  {email:<24} {role}" + (f", {department}" if department else ""))


def create_demo(session: Session) -> None:
    """Demo departments and users, skipping any that exist already."""
    for name in DEMO_DEPARTMENTS:
        if not accounts.find_department(session, name=name):
            accounts.create_department(session, name=name)
    for role, (email, name, department) in DEMO_USERS.items():
        if not accounts.find_user(session, email=email):
            accounts.create_user(
                session, email=email, name=name, role=role, password=DEMO_PASSWORD,
                department_name=department,
            )


def init_app(app: Flask) -> None:
    for command in (users_cli, departments_cli, demo):
        app.cli.add_command(command)
