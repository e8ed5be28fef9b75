"""People, departments and the audit log: the administrator's pages."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from equity_tool.accounts import departments, people
from equity_tool.assessments import access
from equity_tool.core import audit
from equity_tool.core.db import get_session
from equity_tool.core.paging import page_number
from equity_tool.core.vocabulary import Role
from equity_tool.notifications.service import MailSettings
from equity_tool.web.auth import allowed_if
from equity_tool.web.views.account import PASSWORD_HINT

bp = Blueprint("people", __name__, url_prefix="/admin")

PERSON_FIELDS = ("email", "name", "role", "department")
MAX_TYPED = 400  # characters kept of a typed value: more than any field takes


def _mail() -> MailSettings | None:
    return MailSettings.from_config(current_app.config)


def link_for(token: str) -> str:
    """The absolute address of a set-password link, for an email: APP_URL when it is set,
    else the address this request came to."""
    if base := current_app.config.get("APP_URL"):
        return base + url_for("account.set_password_from_link", token=token)
    return url_for("account.set_password_from_link", token=token, _external=True)


def _typed(names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.form.get(name, "")[:MAX_TYPED] for name in names}


def _errors(refused: people.Refused) -> list[tuple[str | None, str]]:
    return list(refused.errors.items())


ROLE_WORDS = {
    Role.STAFF: "Staff: write their department's assessments",
    Role.DIRECTOR: "Director: signs off their department's assessments",
    Role.OFFICER: "Equity officer: reviews every department's assessments",
    Role.COUNCILLOR: "Councillor: reads approved assessments",
    Role.ADMIN: "Administrator: manages people and sees every assessment",
}


def _choices() -> dict:
    return {"role_options": [(role.value, words) for role, words in ROLE_WORDS.items()],
            "department_options": [(str(d.id), d.name)
                                   for d, _count in departments.departments(get_session())],
            "password_hint": PASSWORD_HINT}


# --- people -------------------------------------------------------------------------------


@bp.get("/people")
@allowed_if(access.may_manage_people)
def list_people():
    page = people.people(get_session(), page_number(request.args.get("page")))
    return render_template("people/list.html", page=page)


@bp.get("/people/new")
@allowed_if(access.may_manage_people)
def new_person():
    return _render_new({"role": Role.STAFF})


def _render_new(typed: Mapping[str, str], errors=(), status: int = 200):
    page = render_template("people/new.html", typed=typed, errors=list(errors),
                           mail=_mail() is not None, **_choices())
    return page, status


@bp.post("/people/new")
@allowed_if(access.may_manage_people)
def create_person():
    typed = _typed(PERSON_FIELDS)
    mail = _mail()
    try:
        added = people.add_person(get_session(), actor=current_user, **typed,
                                  password=request.form.get("password"), mail=mail,
                                  link_for=link_for)
    except people.Refused as refused:
        return _render_new(typed, _errors(refused), 422)
    flash(f"An invitation is on its way to {added.email}: they set their password from its "
          "link."
          if mail else f"{added.name} was added: tell them their password in person.",
          "success")
    return redirect(url_for(".show_person", user_id=added.id))


@bp.get("/people/<int:user_id>")
@allowed_if(access.may_manage_people)
def show_person(user_id: int):
    return _render_person(user_id)


def _render_person(user_id: int, typed: Mapping[str, str] | None = None, errors=(),
                   status: int = 200):
    found = people.person(get_session(), user_id)
    typed = typed or {"role": found.user.role,
                      "department": str(found.user.department_id or "")}
    page = render_template("people/person.html", person=found, typed=typed,
                           errors=list(errors), mail=_mail() is not None, **_choices())
    return page, status


@bp.post("/people/<int:user_id>/role")
@allowed_if(access.may_manage_people)
def change_placement(user_id: int):
    typed = _typed(("role", "department"))
    try:
        people.change_placement(get_session(), actor=current_user, user_id=user_id, **typed)
    except people.LastAdmin as refused:
        return _render_person(user_id, typed, _errors(refused), 409)
    except people.Refused as refused:
        return _render_person(user_id, typed, _errors(refused), 422)
    flash("The role and department were saved.", "success")
    return redirect(url_for(".show_person", user_id=user_id))


@bp.post("/people/<int:user_id>/deactivate")
@allowed_if(access.may_manage_people)
def deactivate_person(user_id: int):
    try:
        people.deactivate(get_session(), actor=current_user, user_id=user_id)
    except people.Refused as refused:
        return _render_person(user_id, errors=_errors(refused), status=409)
    flash("The account was deactivated: its sessions have ended and it cannot sign in.",
          "success")
    return redirect(url_for(".show_person", user_id=user_id))


@bp.post("/people/<int:user_id>/reactivate")
@allowed_if(access.may_manage_people)
def reactivate_person(user_id: int):
    try:
        people.reactivate(get_session(), actor=current_user, user_id=user_id)
    except people.Refused as refused:
        return _render_person(user_id, errors=_errors(refused), status=409)
    flash("The account was reactivated: they can sign in with their password.", "success")
    return redirect(url_for(".show_person", user_id=user_id))


@bp.post("/people/<int:user_id>/password")
@allowed_if(access.may_manage_people)
def reset_password(user_id: int):
    mail = _mail()
    try:
        user = people.reset_password(get_session(), actor=current_user, user_id=user_id,
                                     password=request.form.get("password"), mail=mail,
                                     link_for=link_for)
    except people.Refused as refused:
        status = 422 if "password" in refused.errors else 409
        return _render_person(user_id, errors=_errors(refused), status=status)
    flash(f"A link to set a password is on its way to {user.email}; it works once."
          if mail else "The new password is set and their sessions have ended: tell them the "
          "password in person.", "success")
    return redirect(url_for(".show_person", user_id=user_id))


# --- departments --------------------------------------------------------------------------


@bp.get("/departments")
@allowed_if(access.may_manage_people)
def list_departments():
    return _render_departments()


def _render_departments(typed: str = "", errors=(), status: int = 200):
    page = render_template("people/departments.html",
                           departments=departments.departments(get_session()), typed=typed,
                           errors=list(errors))
    return page, status


@bp.post("/departments")
@allowed_if(access.may_manage_people)
def create_department():
    typed = request.form.get("name", "")[:MAX_TYPED]
    try:
        added = departments.add_department(get_session(), actor=current_user, name=typed)
    except people.Refused as refused:
        return _render_departments(typed, _errors(refused), 422)
    flash(f"The department {added.name} was added.", "success")
    return redirect(url_for(".list_departments"))


@bp.get("/departments/<int:department_id>")
@allowed_if(access.may_manage_people)
def edit_department(department_id: int):
    return _render_department(department_id)


def _render_department(department_id: int, typed: str | None = None, errors=(),
                       status: int = 200):
    found = departments.department(get_session(), department_id)
    page = render_template("people/department.html", department=found,
                           typed=found.name if typed is None else typed, errors=list(errors))
    return page, status


@bp.post("/departments/<int:department_id>")
@allowed_if(access.may_manage_people)
def rename_department(department_id: int):
    typed = request.form.get("name", "")[:MAX_TYPED]
    try:
        renamed = departments.rename_department(get_session(), actor=current_user,
                                           department_id=department_id, name=typed)
    except people.Refused as refused:
        return _render_department(department_id, typed, _errors(refused), 422)
    flash(f"The department is now called {renamed.name}.", "success")
    return redirect(url_for(".list_departments"))


# --- the audit log ------------------------------------------------------------------------


@bp.get("/audit")
@allowed_if(access.may_manage_people)
def audit_log():
    page = audit.entries(get_session(), page_number(request.args.get("page")))
    return render_template("people/audit.html", page=page)
