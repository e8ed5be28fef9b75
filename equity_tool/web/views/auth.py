"""Signing in and out."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from equity_tool.accounts import service as accounts
from equity_tool.core.db import get_session
from equity_tool.web.auth import client_address, public, safe_next_url
from equity_tool.web.forms import SignInForm

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_in(
                get_session(), email=form.email.data, password=form.password.data,
                client_address=client_address(),
            )
        except accounts.SignInRefused as refused:
            form.email.errors.append(str(refused))
        else:
            _forget_csrf_token()
            login_user(user)
            return redirect(safe_next_url(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/sign_in.html", form=form)


# POST only, and CSRF-checked like every form, so no link or image on another site signs you out.
@bp.post("/sign-out")
@public
def sign_out():
    if current_user.is_authenticated:
        # Server-side: copies of this cookie (and the user's other sessions) are refused too.
        accounts.end_sessions(get_session(), user_id=current_user.id)
    logout_user()
    _forget_csrf_token()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


def _forget_csrf_token() -> None:
    # A token someone saw before sign-in (or sign-out) must not be good for the next session:
    # Flask-WTF makes a new one when the next form asks.
    session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
