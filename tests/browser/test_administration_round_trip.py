"""Issue 14's "done when", walked in a real browser from the demo data: the administrator edits
the rapid check, sees a mistake at its line, fixes it, previews the new text in English and
Spanish and publishes it; a second app server on the same database (with a folder of its own)
offers the new version at once; staff move their draft to it and see what could not be carried
over; the administrator invites a new staff member, who sets a password from the mail.

axe checks each page on the way; the Nu Html Checker checks every page served."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from equity_tool import create_app
from equity_tool.core import db, migrate
from equity_tool.demo import DEMO_PASSWORD
from equity_tool.notifications import worker as mail_worker
from equity_tool.notifications.service import MailSettings
from tests.browser.wizard_pages import served, signed_in_page
from tests.factories import shipped_questionnaires
from tests.local_servers import Inbox, smtp_inbox

pytestmark = pytest.mark.browser

HMONG = "    - value: hmong\n      label: {en: Hmong (Asian), es: Hmong (asiático)}\n"
LINK = re.compile(r"https?://\S+/set-password/[A-Za-z0-9_-]{43}")
NEW_PASSWORD = "copper meadow signal 17"


@pytest.fixture(scope="module")
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_inbox() as served_inbox:
        yield served_inbox


@pytest.fixture(scope="module")
def servers(tmp_path_factory, inbox) -> Iterator[tuple[object, str, str]]:
    """(the first app, its address, the second app server's address): one SQLite database,
    each server with its own questionnaires folder, as on two machines."""
    base = tmp_path_factory.mktemp("round-trip")
    url = f"sqlite:///{base / 'city.sqlite3'}"
    migrate.upgrade(url)
    settings = {"DATABASE_URL": url, "SECRET_KEY": "not secret: browser tests only",
                "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(inbox[1])}
    first, second = (
        create_app({**settings, "EQUITY_TOOL_QUESTIONNAIRES": shipped_questionnaires(base / name)})
        for name in ("one", "two"))
    assert first.test_cli_runner().invoke(args=["demo"]).exit_code == 0  # as `make run` does
    with served(first) as one, served(second) as two:
        yield first, one, two
    for app in (first, second):
        db.get_engine(app).dispose()


def signed_in(browser: Browser, base: str, address: str, password: str = DEMO_PASSWORD) -> Page:
    return signed_in_page(browser, base, address, password=password)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


def test_the_rapid_check_is_changed_published_and_used_from_the_browser(
        browser, servers, inbox, assert_no_axe_violations):
    app, one, two = servers
    admin = signed_in(browser, one, "admin@example.org")

    # The questionnaires page, then a new version of the rapid check in the editor.
    admin.get_by_role("link", name="Questionnaires", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Questionnaires")
    assert_no_axe_violations(admin)
    admin.get_by_role("button", name="Write a new version of Rapid equity check").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Edit the questionnaire")
    editor_url, editor = admin.url, admin.get_by_label("Questionnaire file (YAML)")
    shipped = editor.input_value()
    assert 'version: "2026.2"' in shipped and HMONG in shipped

    # A mistake, announced at its line as it is typed.
    mistaken = (shipped.replace('version: "2026.2"', 'version: "2026.3"')
                .replace(HMONG, "").replace("type: multi_choice", "type: multi_choise", 1))
    editor.fill(mistaken)
    status = admin.locator("#check-status")
    line = line_of(mistaken, "multi_choise")
    expect(status).to_contain_text(
        f"Line {line}, column 15: unknown question type 'multi_choise' (did you mean "
        "'multi_choice'?)", timeout=5000)
    assert_no_axe_violations(admin)

    # Fixed and saved: no problems, then the preview in English and in Spanish.
    editor.fill(mistaken.replace("multi_choise", "multi_choice"))
    expect(status).to_have_text("No problems.", timeout=5000)
    admin.get_by_role("button", name="Save draft").click()
    admin.get_by_role("link", name="Preview the saved draft as staff will see it").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Rapid equity check")
    assert_no_axe_violations(admin)
    languages = admin.get_by_role("navigation", name="Languages of the preview")
    languages.get_by_role("link", name="Español").click()
    expect(admin.get_by_label("Español")).to_be_checked()
    admin.locator("#title").fill("Plan de árboles")
    admin.get_by_label("Program").check()
    admin.get_by_role("button", name="Start assessment").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("La decisión")
    assert_no_axe_violations(admin)
    admin.goto(editor_url)

    # Published: in use at once here, stored with who published it.
    expect(admin.get_by_role("heading", level=1)).to_have_text("Edit the questionnaire")
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_role("status")).to_contain_text(
        "Published rapid-equity-check version 2026.3")
    expect(admin.locator("main")).to_contain_text("New assessments start on version 2026.3")
    assert_no_axe_violations(admin)

    # The second app server, whose folder still holds 2026.2, offers 2026.3 all the same.
    staff_elsewhere = signed_in(browser, two, "staff@example.org")
    staff_elsewhere.goto("/questionnaires/rapid-equity-check")
    expect(staff_elsewhere.locator("main")).to_contain_text("version 2026.3", timeout=5000)
    staff_elsewhere.context.close()

    # Staff move their draft to 2026.3: the group taken out of the list cannot carry over.
    staff = signed_in(browser, one, "staff@example.org")
    staff.get_by_role("link", name="Street tree planting plan").first.click()
    staff.get_by_role("link", name="Move to version 2026.3").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Move to version 2026.3")
    left = staff.locator("#left-behind-preview tbody tr")
    expect(left).to_have_count(1)
    expect(left).to_contain_text("Hmong (Asian)")
    assert_no_axe_violations(staff)
    staff.get_by_role("button", name="Move to version 2026.3").click()
    expect(staff.get_by_role("status")).to_have_text("Moved to version 2026.3.")
    expect(staff.get_by_role("heading", name="Answers not carried over")).to_be_visible()
    expect(staff.locator("#left-behind")).to_contain_text("Hmong (Asian)")
    assert_no_axe_violations(staff)
    staff.context.close()

    # A new staff member, invited by mail, sets a password from the link and signs in.
    admin.goto("/")
    admin.get_by_role("link", name="People and departments").click()
    admin.get_by_role("link", name="Add a person").click()
    admin.get_by_label("Email address").fill("rosa@example.org")
    admin.get_by_label("Full name").fill("Rosa Reyes")
    admin.get_by_label("Role").select_option("staff")
    admin.get_by_label("Department").select_option(label="Transportation")
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.get_by_role("status")).to_contain_text("An invitation is on its way")
    assert mail_worker.run(db.get_engine(app), MailSettings.from_config(app.config),
                           stop=threading.Event(), once=True) >= 1
    [message] = [m for m in inbox[0].messages if m["To"] == "rosa@example.org"]
    link = LINK.search(message.get_content()).group(0)
    invitee = browser.new_context().new_page()
    invitee.goto(link)
    invitee.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    invitee.get_by_label("The new password again").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Set the password").click()
    expect(invitee.get_by_role("status")).to_contain_text("Your password is set")
    invitee.context.close()
    rosa = signed_in(browser, one, "rosa@example.org", NEW_PASSWORD)
    expect(rosa.locator(".header__user")).to_contain_text("Rosa Reyes")
    rosa.context.close()
    admin.context.close()
