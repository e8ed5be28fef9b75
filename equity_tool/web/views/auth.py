"""Signing in and out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from equity_tool.accounts import service as accounts
from equity_tool.core.db import get_session
from equity_tool.web.auth import public, safe_next_url
from equity_tool.web.forms import SignInForm

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_in(
                get_session(), email=form.email.data, password=form.password.data
            )
        except accounts.SignInRefused as refused:
            form.email.errors.append(str(refused))
        else:
            login_user(user)
            return redirect(safe_next_url(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/sign_in.html", form=form)


# POST only, and CSRF-checked like every form, so no link or image on another site signs you out.
@bp.post("/sign-out")
@public
def sign_out():
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))
