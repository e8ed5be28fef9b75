"""People in a real browser: an administrator invites a staff member, the invitation is mailed
by the worker to a real SMTP server, the invitee sets a password from its link and signs in.
axe finds nothing on any of the new pages, with and without their errors."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from equity_tool import create_app, demo
from equity_tool.core import db, migrate
from equity_tool.demo import DEMO_PASSWORD
from equity_tool.notifications import worker as mail_worker
from equity_tool.notifications.service import MailSettings
from tests.browser.wizard_pages import served
from tests.local_servers import Inbox, smtp_inbox

pytestmark = pytest.mark.browser

NEW_PASSWORD = "violet harbour lantern 42"
LINK = re.compile(r"https?://\S+/set-password/[A-Za-z0-9_-]{43}")


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_inbox() as served_inbox:
        yield served_inbox


@pytest.fixture(scope="module")
def mailing_app(tmp_path_factory: pytest.TempPathFactory, inbox):
    url = f"sqlite:///{tmp_path_factory.mktemp('people') / 'people.sqlite3'}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "not secret: browser tests only",
                      "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(inbox[1])})
    with app.app_context():
        demo.create_demo(db.get_session())
    yield app
    db.get_engine(app).dispose()


@pytest.fixture(scope="module")
def base(mailing_app) -> Iterator[str]:
    with served(mailing_app) as url:
        yield url


def new_page(browser: Browser, base: str) -> Page:
    context = browser.new_context(base_url=base)
    context.set_default_timeout(10000)
    return context.new_page()


def sign_in(page: Page, email_address: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email_address)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def send_mail(app) -> int:
    return mail_worker.run(db.get_engine(app), MailSettings.from_config(app.config),
                           stop=threading.Event(), once=True)


def test_an_invited_staff_member_sets_a_password_and_signs_in(browser, base, mailing_app,
                                                              inbox, assert_no_axe_violations):
    admin = new_page(browser, base)
    sign_in(admin, "admin@example.org")
    admin.get_by_role("link", name="People and departments").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("People")
    assert_no_axe_violations(admin)
    admin.get_by_role("link", name="Add a person").click()
    assert_no_axe_violations(admin)
    admin.get_by_role("button", name="Send the invitation").click()  # nothing filled in
    expect(admin.get_by_role("alert")).to_contain_text("Enter their email address")
    assert_no_axe_violations(admin)
    admin.get_by_label("Email address").fill("nia@example.org")
    admin.get_by_label("Full name").fill("Nia Newcomer")
    admin.get_by_label("Role").select_option("staff")
    admin.get_by_label("Department").select_option(label="Transportation")
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.get_by_role("status")).to_contain_text("An invitation is on its way")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Nia Newcomer")
    assert_no_axe_violations(admin)

    assert send_mail(mailing_app) == 1
    [message] = [m for m in inbox[0].messages if m["To"] == "nia@example.org"]
    link = LINK.search(message.get_content()).group(0)
    assert link.startswith(base)

    invitee = new_page(browser, base)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Welcome: set your password")
    assert_no_axe_violations(invitee)
    invitee.get_by_label("New password", exact=True).fill("short")
    invitee.get_by_label("The new password again").fill("short")
    invitee.get_by_role("button", name="Set the password").click()
    expect(invitee.get_by_role("alert")).to_contain_text("at least 12 characters")
    assert_no_axe_violations(invitee)
    invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("The new password again").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Set the password").click()
    expect(invitee.get_by_role("status")).to_contain_text("Your password is set")
    sign_in(invitee, "nia@example.org", NEW_PASSWORD)
    expect(invitee.locator(".header__user")).to_contain_text("Nia Newcomer")
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    assert_no_axe_violations(invitee)
    invitee.context.close()
    admin.context.close()


def test_the_other_new_pages_pass_axe(browser, base, mailing_app, assert_no_axe_violations):
    admin = new_page(browser, base)
    sign_in(admin, "admin@example.org")
    # The last administrator cannot demote themself: the error, in the page's own words.
    admin.goto("/admin/people")
    admin.get_by_role("link", name="Ari Admin").click()
    admin.get_by_label("Role", exact=True).select_option("officer")
    admin.get_by_role("button", name="Save role and department").click()
    expect(admin.get_by_role("alert")).to_contain_text("the only active administrator")
    assert_no_axe_violations(admin)
    admin.get_by_role("link", name="Back to people").click()
    admin.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Departments").click()
    assert_no_axe_violations(admin)
    admin.get_by_label("Name of the department").fill("transportation")
    admin.get_by_role("button", name="Add the department").click()
    expect(admin.get_by_role("alert")).to_contain_text("There is a department called")
    assert_no_axe_violations(admin)
    admin.get_by_label("Name of the department").fill("Libraries")
    admin.get_by_role("button", name="Add the department").click()
    expect(admin.get_by_role("status")).to_contain_text("The department Libraries was added")
    admin.get_by_role("link", name="Housing").click()
    assert_no_axe_violations(admin)
    admin.get_by_role("link", name="Back to departments").click()
    admin.get_by_role("link", name="Audit log").click()
    expect(admin.locator("#audit-log")).to_contain_text("Department added")
    assert_no_axe_violations(admin)
    # Without mail the forms ask for a password instead.
    mailing_app.config["SMTP_HOST"] = None
    try:
        admin.goto("/admin/people/new")
        expect(admin.locator("#no-mail")).to_be_visible()
        assert_no_axe_violations(admin)
        admin.goto("/admin/people")
        admin.get_by_role("link", name="Sam Staff").click()
        admin.get_by_label("New password").fill("short")
        admin.get_by_role("button", name="Set the new password").click()
        expect(admin.get_by_role("alert")).to_contain_text("at least 12 characters")
        assert_no_axe_violations(admin)
    finally:
        mailing_app.config["SMTP_HOST"] = "127.0.0.1"
    admin.get_by_role("link", name="Your password").click()
    assert_no_axe_violations(admin)
    admin.get_by_role("button", name="Change your password").click()
    expect(admin.get_by_role("alert")).to_contain_text("Your current password is not right")
    assert_no_axe_violations(admin)
    admin.context.close()
