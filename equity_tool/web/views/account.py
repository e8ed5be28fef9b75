"""A person's own account: changing their password, and setting one from a one-time link."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from equity_tool.accounts import password_links, people
from equity_tool.accounts.service import MIN_PASSWORD, AccountError
from equity_tool.core.db import get_session
from equity_tool.web.auth import client_address, public

bp = Blueprint("account", __name__)

PASSWORD_HINT = (f"At least {MIN_PASSWORD} characters, and not one of the common passwords "
                 "that are tried first. A few unrelated words make a good one.")


@bp.get("/account/password")
def edit_password():
    return _render_change()


def _render_change(errors=(), status: int = 200):
    page = render_template("account/password.html", errors=list(errors),
                           password_hint=PASSWORD_HINT)
    return page, status


@bp.post("/account/password")
def change_password():
    user = current_user._get_current_object()
    try:
        people.change_own_password(get_session(), user=user,
                                   current=request.form.get("current", ""),
                                   new=request.form.get("new", ""),
                                   confirm=request.form.get("confirm", ""),
                                   client_address=client_address())
    except people.Refused as refused:
        return _render_change(list(refused.errors.items()), 422)
    # Every session of the account ended with the old password, this one included: it goes
    # on under the account's new session version.
    login_user(user)
    flash("Your password was changed. Anywhere else you were signed in, you have been "
          "signed out.", "success")
    return redirect(url_for("home.index"))


@bp.get("/set-password/<token>")
@public
def set_password_from_link(token: str):
    return _render_link(token)


def _render_link(token: str, errors=(), status: int = 200):
    try:
        link = password_links.usable(get_session(), token)
    except password_links.DeadLink as dead:
        return render_template("account/link_dead.html", message=str(dead)), 410
    page = render_template("account/set_password.html", token=token, errors=list(errors),
                           invitation=link.purpose == password_links.INVITATION,
                           password_hint=PASSWORD_HINT)
    return page, status


@bp.post("/set-password/<token>")
@public
def use_link(token: str):
    try:
        user = password_links.use(get_session(), token=token,
                                  password=request.form.get("new", ""),
                                  confirm=request.form.get("confirm", ""))
    except password_links.DeadLink:
        return _render_link(token)
    except AccountError as problem:
        return _render_link(token, [("new", str(problem))], 422)
    flash(f"Your password is set. Sign in with {user.email} and your new password.", "success")
    return redirect(url_for("auth.sign_in"))
