"""Errors become pages a person can act on, never tracebacks; each is mapped in web/errors.py."""

import pytest
from flask import Blueprint

from equity_tool.assessments import access
from equity_tool.core.db import get_or_404
from equity_tool.core.exceptions import Conflict, PermissionDenied
from equity_tool.core.models import Department
from equity_tool.web.auth import allowed_if


@pytest.fixture
def app(app):
    """The app with a few routes that raise what real views will raise."""
    bp = Blueprint("examples", __name__)

    @bp.get("/departments/<int:department_id>")
    def show_department(department_id):
        return get_or_404(Department, department_id).name

    @bp.get("/officers-only")
    @allowed_if(access.may_review)
    def officers_only():
        return "for officers"

    @bp.get("/forbidden")
    def forbidden():
        raise PermissionDenied("Only the assessment's authors can change it.")

    @bp.get("/conflict")
    def conflict():
        raise Conflict("Someone else saved this page after you opened it.")

    app.register_blueprint(bp)
    return app


@pytest.fixture
def signed_in(client, login, demo_users):
    login(client, demo_users["staff"])
    return client


@pytest.mark.both_databases
def test_a_made_up_id_is_page_not_found(signed_in, session):
    libraries = Department(name="Libraries")
    session.add(libraries)
    session.commit()
    assert signed_in.get_page(f"/departments/{libraries.id}").response.text == "Libraries"
    for made_up in ("999", "0", "99999999999999999999"):
        page = signed_in.get_page(f"/departments/{made_up}", status=404)
        assert page.h1 == "Page not found"
        assert page.title == "Page not found – Equity Tool"
        assert "Department" not in page.text()  # says nothing about what was looked for


def test_an_unknown_address_is_page_not_found(signed_in):
    page = signed_in.get_page("/no/such/page", status=404)
    assert page.h1 == "Page not found"


def test_a_role_that_may_not_is_forbidden(signed_in):
    page = signed_in.get_page("/officers-only", status=403)
    assert page.h1 == "You cannot open this page"
    assert page.text("//main/div/p[1]") == "Your role does not allow you to do this."


def test_the_right_role_is_let_through(client, login, demo_users):
    login(client, demo_users["officer"])
    assert client.get_page("/officers-only").response.text == "for officers"


def test_domain_errors_keep_their_message(signed_in):
    page = signed_in.get_page("/forbidden", status=403)
    assert "Only the assessment's authors can change it." in page.text()
    page = signed_in.get_page("/conflict", status=409)
    assert page.h1 == "This has changed since you opened it"
    assert "Someone else saved this page after you opened it." in page.text()


def test_a_wrong_method_is_explained(signed_in):
    page = signed_in.get_page("/sign-out", status=405)
    assert page.h1 == "This page cannot be used that way"


def test_pages_carry_security_headers(client):
    headers = client.get("/sign-in").headers
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'self' covers it
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_favicon_is_served_to_everyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
