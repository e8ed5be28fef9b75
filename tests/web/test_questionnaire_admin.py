"""The questionnaires page: versions with their state and use, the folder's files, retiring,
downloads and diffs, for the equity office only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from equity_tool.authoring.publish import publish, retire
from equity_tool.core.models import AuditEntry, QuestionnaireDraft, QuestionnaireVersion
from tests import factories
from tests.conftest import PASSWORD, squash
from tests.factories import rapid_check_text as rapid_text

ROOT = Path(__file__).resolve().parents[2]
RAPID = "rapid-equity-check"
FULL = "racial-equity-impact-assessment"
PAGE = "/admin/questionnaires"


@pytest.fixture
def folder(app, tmp_path) -> Path:
    """The app's questionnaires folder, a copy of the shipped one that tests may change."""
    folder = factories.shipped_questionnaires(tmp_path / "questionnaires")
    registry = app.extensions["equity_tool.registry"]
    registry.folder = folder
    app.config["EQUITY_TOOL_QUESTIONNAIRES"] = folder
    registry.refresh(force=True)
    return folder


@pytest.fixture
def registry(app, folder):
    return app.extensions["equity_tool.registry"]




def version_id(session, version: str) -> int:
    return session.exec(select(QuestionnaireVersion.id).where(
        QuestionnaireVersion.questionnaire_id == RAPID,
        QuestionnaireVersion.version == version)).one()


@pytest.fixture
def history(session, people, registry):
    """Hand-counted: 2 assessments on 2026.2 (from the folder), 2026.3 published by the
    officer with 1 assessment, 2026.4 published by the admin and retired, and a draft of the
    admin's started from 2026.3."""
    staff = people["staff"]
    for title in ("Bus shelters", "Library hours"):
        factories.start_assessment(session, author=staff, questionnaire=registry.current(RAPID),
                                   title=title)
    publish(session, actor=people["officer"], source=rapid_text("2026.3", "Quick equity check"),
            base_version_id=version_id(session, "2026.2"), registry=registry)
    factories.start_assessment(session, author=staff, questionnaire=registry.current(RAPID),
                               title="Park benches")
    publish(session, actor=people["admin"], source=rapid_text("2026.4"),
            base_version_id=None, registry=registry)
    retire(session, actor=people["admin"], questionnaire_id=RAPID, version="2026.4",
           registry=registry)
    session.add(QuestionnaireDraft(source=rapid_text("2026.5"), created_by_id=people["admin"].id,
                                   base_version_id=version_id(session, "2026.3")))
    session.commit()
    return people


def signed_in_as(app, login, people, role):
    client = app.test_client()
    login(client, people[role].email, PASSWORD)
    return client


def version_rows(page, title: str) -> list[list[str]]:
    table = page.one(f"//table[caption[normalize-space()='Versions of {title}, newest first']]")
    return [[squash(cell.text_content()) for cell in row.xpath("th|td")][:4]
            for row in table.xpath("tbody/tr")]


@pytest.mark.parametrize("role", ["staff", "director", "councillor"])
def test_only_the_equity_office_may_open_the_questionnaire_pages(app, login, people, role):
    client = signed_in_as(app, login, people, role)
    for url in (PAGE, f"{PAGE}/{RAPID}/2026.2.yaml", f"{PAGE}/{RAPID}/2026.2/retire",
                f"{PAGE}/{RAPID}/diff"):
        assert client.get(url).status_code == 403, url
    response = client.post(f"{PAGE}/{RAPID}/2026.2/retire", data={"confirm": "retire"})
    assert response.status_code in (400, 403)  # no token, and no right either


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_officer_and_the_admin_see_the_page(app, login, people, role):
    page = signed_in_as(app, login, people, role).get_page(PAGE)
    assert page.h1 == "Questionnaires"
    assert "Rapid equity check" in page.text()


def test_someone_signed_out_is_asked_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/sign-in" in response.location


def test_every_version_with_its_state_use_and_publisher(app, login, history, session):
    page = signed_in_as(app, login, history, "officer").get_page(PAGE)
    published = {v.version: v.first_seen_at for v in session.exec(select(QuestionnaireVersion))}
    rows = version_rows(page, "Quick equity check")
    assert [row[:3] for row in rows] == [
        ["Draft from 2026.3", "Draft", "0"],
        ["2026.4", "Retired since " + rows[1][1].split("since ")[1], "0"],
        ["2026.3", "In use", "1"],
        ["2026.2", "Superseded", "2"],
    ]
    assert rows[0][3].startswith("Being written by Adi Admin")
    draft = session.exec(select(QuestionnaireDraft)).one()
    assert page.one("//a[starts-with(normalize-space(), 'Continue editing')]").get("href") == (
        f"/admin/drafts/{draft.id}")
    assert rows[1][3].startswith("By Adi Admin,")
    assert rows[2][3].startswith("By Olu Officer,")
    assert rows[3][3].startswith("From the folder,")
    assert published["2026.3"] >= published["2026.2"]
    assert "New assessments start on version 2026.3." in page.text(
        "//section[h2[@id='questionnaire-rapid-equity-check']]")
    assert version_rows(page, "Racial equity impact assessment") == [
        ["2026.3", "In use", "0", version_rows(page, "Racial equity impact assessment")[0][3]]]


def test_a_broken_file_is_listed_with_the_same_lines_as_check(app, login, people, folder,
                                                              runner):
    path = folder / f"{FULL}.yaml"
    path.write_text(path.read_text().replace("type: yes_no", "type: yesno", 1))
    page = signed_in_as(app, login, people, "admin").get_page(PAGE)
    [row] = [r for r in page.all("//table[caption='Files in the questionnaires folder']/tbody/tr")
             if f"{FULL}.yaml" in r.text_content()]
    assert "1 error" in squash(row.text_content())
    checked = runner.invoke(args=["questionnaires", "check"]).stdout.splitlines()
    shown = [squash(code.text_content()) for code in page.all("//ul[@class='problem-list']//code")]
    assert shown == [line for line in checked if line.startswith(str(path))]
    assert "unknown question type 'yesno'" in shown[0]
    # the last good version stays in use, and the start page still works
    assert "New assessments start on version 2026.3." in page.text(
        f"//section[h2[@id='questionnaire-{FULL}']]")
    assert app.test_client().get(f"/questionnaires/{FULL}").status_code in (200, 302)


def test_a_version_downloads_as_its_exact_text(app, login, history):
    client = signed_in_as(app, login, history, "admin")
    response = client.get(f"{PAGE}/{RAPID}/2026.3.yaml")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == rapid_text("2026.3", "Quick equity check")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={RAPID}-2026.3.yaml")
    assert response.mimetype == "application/yaml"
    assert client.get(f"{PAGE}/{RAPID}/1999.1.yaml").status_code == 404


def test_retiring_asks_first_then_retires_and_is_audited(app, login, history, session, registry):
    client = signed_in_as(app, login, history, "officer")
    page = client.get_page(f"{PAGE}/{RAPID}/2026.3/retire")
    assert page.h1 == "Retire version 2026.3?"
    assert "New assessments of Quick equity check will start on version 2026.2." in page.text()
    assert "1 assessment already started on it will carry on with it." in page.text()
    done = client.submit(page, {})
    assert done.status == 302
    listing = client.get_page(PAGE)
    assert "Version 2026.3 of Quick equity check is retired" in listing.text()
    assert registry.current(RAPID).version == "2026.2"
    assert [row[1][:7] for row in version_rows(listing, "Rapid equity check")[1:3]] == [
        "Retired", "Retired"]
    actions = session.exec(select(AuditEntry.action, AuditEntry.subject)
                           .order_by(AuditEntry.id)).all()
    assert tuple(actions[-1]) == ("version retired", f"{RAPID} 2026.3")


def test_a_retired_version_is_put_back_in_use_from_the_page(app, login, history, session,
                                                            registry):
    client = signed_in_as(app, login, history, "admin")
    client.submit(client.get_page(f"{PAGE}/{RAPID}/2026.3/retire"), {})
    assert registry.current(RAPID).version == "2026.2"
    listing = client.get_page(PAGE)
    restore = "//form[button[normalize-space()='Put back in use version 2026.3']]"
    assert client.submit(listing, {}, form=restore).status == 302
    listing = client.get_page(PAGE)
    assert ("Version 2026.3 of Quick equity check is no longer retired. New assessments start "
            "on version 2026.3.") in listing.text()
    assert registry.current(RAPID).version == "2026.3"
    actions = session.exec(select(AuditEntry.action, AuditEntry.subject)
                           .order_by(AuditEntry.id)).all()
    assert tuple(actions[-1]) == ("version restored", f"{RAPID} 2026.3")
    assert not listing.all("//form[button[normalize-space()='Put back in use version 2026.3']]")


def test_retiring_without_the_token_is_refused_and_changes_nothing(app, login, people,
                                                                   registry):
    client = signed_in_as(app, login, people, "admin")
    response = client.post_page(f"{PAGE}/{RAPID}/2026.2/retire", data={"confirm": "retire"})
    assert response.status == 400
    assert response.h1 == "Your form could not be sent"
    assert registry.current(RAPID).version == "2026.2"


def test_a_post_without_the_confirmation_retires_nothing(app, login, people, registry):
    client = signed_in_as(app, login, people, "admin")
    page = client.get_page(f"{PAGE}/{RAPID}/2026.2/retire")
    response = client.submit(page, {"confirm": ""})
    assert response.status == 422
    assert registry.current(RAPID).version == "2026.2"


def test_retiring_an_unknown_version_is_not_found(app, login, people):
    client = signed_in_as(app, login, people, "admin")
    assert client.get(f"{PAGE}/{RAPID}/1999.1/retire").status_code == 404
    assert client.get(f"{PAGE}/no-such-thing/diff").status_code == 404


def test_the_diff_between_two_versions(app, login, history):
    client = signed_in_as(app, login, history, "officer")
    page = client.get_page(f"{PAGE}/{RAPID}/diff?from=2026.2&to=2026.3")
    assert page.h1 == "Compare versions"
    assert page.text("//h2[starts-with(., 'From version')]") == (
        "From version 2026.2 to version 2026.3")
    cells = [squash(c.text_content()) for c in page.all("//main//table//tbody//tr/*")]
    assert cells == ["Title", "Rapid equity check", "Quick equity check"]
    # without a choice, the two newest are compared; a version not in the list is refused
    assert page.one("//select[@id='from']/option[@selected]").get("value") == "2026.2"
    default = client.get_page(f"{PAGE}/{RAPID}/diff")
    assert default.one("//select[@id='from']/option[@selected]").get("value") == "2026.3"
    assert default.one("//select[@id='to']/option[@selected]").get("value") == "2026.4"
    wrong = client.get(f"{PAGE}/{RAPID}/diff?from=1999.1&to=2026.3")
    assert wrong.status_code == 422
    same = client.get_page(f"{PAGE}/{RAPID}/diff?from=2026.3&to=2026.3", status=422)
    assert same.error_summary == ["Choose two different versions to compare."]


def test_a_questionnaire_with_one_version_has_nothing_to_compare(app, login, people):
    page = signed_in_as(app, login, people, "admin").get_page(f"{PAGE}/{FULL}/diff")
    assert "has one version, 2026.3: there is nothing to compare it with yet" in page.text()
