"""Who is signed in: Flask-Login, sign-in required by default, and the 403 for what `access`
refuses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app, g, request, url_for
from flask_login import LoginManager, current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from equity_tool.core.db import get_session
from equity_tool.core.exceptions import PermissionDenied
from equity_tool.core.models import MAX_ID, Assessment, User

__all__ = ["allowed_if", "client_address", "current_user", "public", "require", "safe_next_url"]

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """The user whose session this is, while it lasts: the cookie holds "id:version" (see
    User.get_id), and sign-out, a new password or deactivation raise the user's version.
    The version comes with the user's row, so checking it costs no query of its own."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit() and 0 < int(user_id) <= MAX_ID):
        return None  # also the plain ids of cookies issued before versions existed
    assessment_id = (request.view_args or {}).get("assessment_id")
    if isinstance(assessment_id, int) and 0 < assessment_id <= MAX_ID:
        user = _load_with_assessment(int(user_id), assessment_id)
    else:
        user = get_session().get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def _load_with_assessment(user_id: int, assessment_id: int) -> User | None:
    """The user, and the assessment the URL names in the same query: one round trip fewer
    on every assessment page (autosave above all). The views still look the assessment up,
    find it in the session, and decide who may see it as before."""
    row = get_session().execute(
        sa.select(User, Assessment)
        .outerjoin(Assessment, Assessment.id == assessment_id)
        .where(User.id == user_id)
    ).first()
    if row is None:
        return None
    # The session holds rows weakly: keep the assessment for the request, or it is dropped.
    g.assessment_loaded_with_user = row[1]
    return row[0]


def public(view: F) -> F:
    """Let people who are not signed in open this view; every other view needs sign-in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def allowed_if(rule: Callable[[User], bool]) -> Callable[[F], F]:
    """Allow the decorated view only to users for whom `rule` (from `access`) holds (else 403)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            require(rule(current_user))
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def require(allowed: bool) -> None:
    """PermissionDenied (a 403 page) unless `allowed`: one of `access`'s answers."""
    if not allowed:
        raise PermissionDenied("Your role does not allow you to do this.")


def _require_sign_in() -> Any:
    # Deny by default: a new view needs sign-in unless it is marked @public.
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.endpoint == "static" or getattr(view, "is_public", False):
        return None
    if not current_user.is_authenticated:
        if request.headers.get("HX-Request"):
            # htmx would put the sign-in page inside the fragment: ask it to load the page.
            return "", 401, {"HX-Redirect": url_for("auth.sign_in", next=request.referrer)}
        return login_manager.unauthorized()
    return None


def safe_next_url(target: str | None) -> str | None:
    """`target` as a path on this site, or None if it could lead anywhere else."""
    if not target or "\\" in target or not target.isprintable():
        return None
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc) and (
        parts.scheme not in ("http", "https") or parts.netloc != request.host
    ):
        return None
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def client_address() -> str | None:
    """The address the request came from, which sign-in limits count by. Behind proxies it is
    what the outermost of TRUSTED_PROXIES saw (ProxyFix, below); X-Forwarded-For entries further
    left are the client's own claims, and are never believed."""
    return request.remote_addr


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_require_sign_in)
    if proxies := int(app.config.get("TRUSTED_PROXIES") or 0):
        # Only the client address is taken from the proxies: scheme, host and prefix are not.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=0, x_host=0, x_port=0, x_prefix=0
        )
