"""The questionnaire editor: starting drafts, checking as you type with the messages of
`questionnaires check`, saving (stale saves refused, nothing typed lost), uploads refused for
size, encoding and type, and who may use it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlmodel import func, select

from equity_tool.core.models import QuestionnaireDraft
from tests import factories
from tests.conftest import Page, squash
from tests.web.conftest import signed_in

ROOT = Path(__file__).resolve().parents[2]
RAPID = ROOT / "questionnaires" / "rapid-equity-check.yaml"

# Written the way authors write: unquoted labels. Line 10 has a misspelt key (so the question
# at line 8 has no label); line 13 an expression naming a question that does not exist; line
# 17 a flag escalating to no questionnaire.
BROKEN = """\
id: bike-lanes
version: "1"
title: Bike lanes check
sections:
  - id: plan
    title: The plan
    questions:
      - id: affects_residents
        type: yes_no
        lable: Does it affect residents?
      - id: groups
        type: text
        show_if: afects_residents == 'yes'
        label: Which groups?
scoring:
  flags:
    - {id: big, when: "answered(groups)", severity: high, message: Big, escalate_to: nowhere}
"""


def problems_shown(page: Page) -> list[tuple[int, int, str, str]]:
    """(line, column, severity, message) of each problem in the editor's list."""
    return [(int(li.get("data-line")), int(li.get("data-column")),
             "error" if "problem--error" in li.get("class") else "warning",
             squash(li.find_class("problem__message")[0].text_content()))
            for li in page.all("//ol[@id='problem-list']/li")]


def new_draft(client, questionnaire_id: str = "") -> str:
    """Start a draft through the drafts page; the editor's URL."""
    page = client.get_page("/admin/drafts")
    response = client.submit(page, {"questionnaire_id": questionnaire_id},
                             form="//form[@action='/admin/drafts']")
    assert response.status == 302, response.error_summary
    return response.location


def check(client, editor: Page, source: str, htmx: bool = True) -> Page:
    """Post `source` to the check endpoint as htmx does while typing (or the Check button)."""
    url, values = editor.form_data("//form[@id='editor-form']")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post_page(url + "/check", {**values, "source": source}, headers=headers)


def cli_problems(runner, path: Path) -> list[tuple[int, int, str, str]]:
    result = runner.invoke(args=["questionnaires", "check", str(path)])
    found = []
    for line in result.stdout.splitlines():
        match = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): (error|warning): (.*)$", line)
        assert match, line
        found.append((int(match[1]), int(match[2]), match[3], match[4]))
    return found


def test_a_new_questionnaire_starts_as_a_valid_skeleton(demo_app):
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client))
    assert editor.h1 == "Edit the questionnaire"
    assert editor.text("//p[@id='check-status']") == "No problems."
    source = editor.one("//textarea[@id='source']").text
    assert source.startswith("id: new-questionnaire\n")
    # one line number per line, hidden from screen readers (they read the list instead)
    gutter = editor.one("//div[@id='source-gutter']")
    assert gutter.get("aria-hidden") == "true"
    assert len(gutter.findall("span")) == source.count("\n") + 1


def test_a_new_version_starts_from_the_text_on_offer(demo_app):
    client = signed_in(demo_app, "admin")
    editor = client.get_page(new_draft(client, "rapid-equity-check"))
    assert editor.one("//textarea[@id='source']").text == RAPID.read_text()
    assert "rapid-equity-check version 2026.2" in editor.text("//span[@class='caption']")


def test_the_check_shows_the_messages_of_questionnaires_check(demo_app, runner, tmp_path):
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client))
    fragment = check(client, editor, BROKEN)
    assert fragment.status == 200
    path = tmp_path / "bike-lanes.yaml"
    path.write_text(BROKEN)
    expected = cli_problems(demo_app.test_cli_runner(), path)
    assert len(expected) == 4
    assert problems_shown(fragment) == sorted(expected)
    # the typo at its line, and the live status names the first problem
    assert problems_shown(fragment)[1] == (
        10, 9, "error", "unknown key 'lable' in a question (did you mean 'label'?)")
    status = squash(fragment.html.text_content()).split("Line")[0]
    assert status.startswith(f"{sum(p[2] == 'error' for p in expected)} errors")
    # Each "Line L, column C" links into the text box
    link = fragment.one("//li[@data-line='13']//a")
    assert squash(link.text_content()) == "Line 13, column 18"
    assert link.get("href") == "#source"


def test_the_check_reports_a_changed_version_that_assessments_use(demo_app, tmp_path):
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client, "rapid-equity-check"))
    changed = RAPID.read_text().replace("title: {en: Rapid equity check,",
                                        "title: {en: Quick equity check,")
    fragment = check(client, editor, changed)
    # beside the questionnaire its flag escalates to, as in the folder
    full = ROOT / "questionnaires" / "racial-equity-impact-assessment.yaml"
    (tmp_path / full.name).write_text(full.read_text())
    path = tmp_path / "rapid-equity-check.yaml"
    path.write_text(changed)
    expected = cli_problems(demo_app.test_cli_runner(), path)
    assert problems_shown(fragment) == sorted(expected)
    [(line, _, _, message)] = problems_shown(fragment)
    assert line == 10 and "the content of version '2026.2' changed" in message


def test_the_check_button_without_javascript_shows_the_page_with_the_text_kept(demo_app):
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client))
    page = check(client, editor, BROKEN, htmx=False)
    assert page.status == 200
    assert page.one("//textarea[@id='source']").text == BROKEN
    assert page.text("//p[@id='check-status']").startswith(
        "4 errors. Line 8, column 9: the label of a question needs the key 'label'")
    marked = page.all("//div[@id='source-gutter']/span[contains(@class, '--error')]")
    assert {int(s.text) for s in marked} == {8, 10, 13, 17}


def test_an_oversized_text_is_refused_with_the_limit(demo_app):
    demo_app.config["QUESTIONNAIRE_MAX_BYTES"] = 1024
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client))
    text = BROKEN + "# padding\n" * 200
    fragment = check(client, editor, text)
    [(line, column, severity, message)] = problems_shown(fragment)
    assert (line, column, severity) == (1, 1, "error")
    assert message.startswith(f"the file is too large: {len(text):,} bytes, and the limit is 1,024")
    url, values = editor.form_data("//form[@id='editor-form']")
    page = client.post_page(url, {**values, "source": text})
    assert page.status == 422
    assert page.one("//textarea[@id='source']").text == text
    assert "Not saved: the file is too large" in page.error_summary[0]


def test_saving_keeps_the_text_and_a_stale_save_is_refused_with_the_text_kept(demo_app):
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client))
    url, values = editor.form_data("//form[@id='editor-form']")
    first = BROKEN.replace("Bike lanes check", "Bike lanes, first go")
    saved = client.post_page(url, {**values, "source": first.replace("\n", "\r\n")})
    assert saved.status == 302
    reopened = client.get_page(url)
    assert reopened.one("//textarea[@id='source']").text == first
    assert "Draft saved." in reopened.text("//main")
    # a second tab, opened before that save, saves too: refused, and its text is kept
    second = BROKEN.replace("Bike lanes check", "Bike lanes, second tab")
    stale = client.post_page(url, {**values, "source": second})
    assert stale.status == 409
    assert stale.one("//textarea[@id='source']").text == second
    assert stale.text("//div[@class='error-summary']").startswith(
        "There is a problem This draft was saved in another tab or by someone else")
    assert client.get_page(url).one("//textarea[@id='source']").text == first


def upload(client, name: str, data: bytes) -> Page:
    page = client.get_page("/admin/drafts")
    _, values = page.form_data("//form[@enctype='multipart/form-data']")
    return client.post_page("/admin/drafts/upload", {**values, "file": (io.BytesIO(data), name)},
                            content_type="multipart/form-data")


def drafts_count(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(QuestionnaireDraft)).one()


def test_an_uploaded_file_becomes_a_draft(demo_app, session):
    client = signed_in(demo_app, "officer")
    response = upload(client, "bike-lanes.yaml", BROKEN.encode())
    assert response.status == 302
    editor = client.get_page(response.location)
    assert editor.one("//textarea[@id='source']").text == BROKEN
    assert drafts_count(session) == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    ("big.yaml", b"# padding\n" * 30_000,
     "The file “big.yaml” is too large: the limit is 256 KiB."),
    ("latin1.yaml", "title: Ñandú\n".encode("latin-1"), "The file “latin1.yaml” is not UTF-8 text"),
    ("notes.docx", b"PK\x03\x04", "The file “notes.docx” is not a questionnaire"),
    ("", b"", "Choose a questionnaire file (.yaml) to upload."),
])
def test_a_bad_upload_is_refused_and_creates_nothing(demo_app, session, name, data, message):
    client = signed_in(demo_app, "officer")
    page = upload(client, name, data)
    assert page.status == 422
    assert page.error_summary[0].startswith(message)
    assert page.one("//p[@id='file-error']") is not None
    assert drafts_count(session) == 0


def test_the_drafts_page_lists_drafts_with_their_names(demo_app):
    client = signed_in(demo_app, "officer")
    new_draft(client, "rapid-equity-check")
    page = client.get_page("/admin/drafts")
    [row] = page.all("//table//tbody/tr")
    assert " ".join(row.text_content().split()).startswith(
        "rapid-equity-check 2026.2 (draft 1, a new version) Olu Officer")


def test_a_draft_can_be_deleted(demo_app, session):
    client = signed_in(demo_app, "admin")
    editor = client.get_page(new_draft(client))
    response = client.submit(editor, {}, form="//form[contains(@action, '/delete')]")
    assert response.status == 302 and response.location == "/admin/drafts"
    assert drafts_count(session) == 0


ROUTES = [("GET", "/admin/drafts"), ("POST", "/admin/drafts"), ("POST", "/admin/drafts/upload"),
          ("GET", "/admin/drafts/{id}"), ("POST", "/admin/drafts/{id}"),
          ("POST", "/admin/drafts/{id}/check"), ("POST", "/admin/drafts/{id}/publish"),
          ("POST", "/admin/drafts/{id}/delete"), ("GET", "/admin/drafts/{id}/preview"),
          ("POST", "/admin/drafts/{id}/preview")]


@pytest.mark.parametrize("role", ["staff", "director", "councillor", "anonymous"])
def test_no_one_but_the_equity_office_may_use_the_editor(demo_app, session, role):
    officer = signed_in(demo_app, "officer")
    draft_id = new_draft(officer).rsplit("/", 1)[1]
    demo_app.config["WTF_CSRF_ENABLED"] = False  # so a refusal is about the role alone
    client = demo_app.test_client() if role == "anonymous" else signed_in(demo_app, role)
    for method, route in ROUTES:
        response = client.open(route.format(id=draft_id), method=method,
                               data={"source": "id: x", "revision": "0"})
        if role == "anonymous":
            assert response.status_code == 302 and "/sign-in" in response.location, route
        else:
            assert response.status_code == 403, (method, route)
    assert drafts_count(session) == 1


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_the_officer_and_the_administrator_may(demo_app, role):
    client = signed_in(demo_app, role)
    assert client.get_page("/admin/drafts").h1 == "Questionnaire drafts"
    editor = client.get_page(new_draft(client))
    assert editor.status == 200


def test_a_post_without_the_forms_csrf_token_is_refused(demo_app, session):
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client))
    url, values = editor.form_data("//form[@id='editor-form']")
    del values["csrf_token"]
    assert client.post(url, data={**values, "source": "id: x"}).status_code == 400
    assert client.post("/admin/drafts", data={}).status_code == 400
    assert drafts_count(session) == 1
    assert client.get_page(url).one("//textarea[@id='source']").text.startswith(
        "id: new-questionnaire")


# --- publishing from the editor ------------------------------------------------------------


@pytest.fixture
def own_folder(demo_app, tmp_path):
    """The shipped questionnaires in a folder of the test's own, so publishing (which writes
    the file there) leaves the repository alone."""
    folder = factories.shipped_questionnaires(tmp_path / "questionnaires")
    demo_app.config["EQUITY_TOOL_QUESTIONNAIRES"] = folder
    registry = demo_app.extensions["equity_tool.registry"]
    registry.folder = folder
    registry.refresh(force=True)
    return folder


def publish(client, editor: Page, source: str) -> Page:
    url, values = editor.form_data("//form[@id='editor-form']")
    return client.post_page(url + "/publish", {**values, "source": source})


def test_publishing_a_new_version_deletes_the_draft_and_says_so(demo_app, own_folder, session):
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client, "rapid-equity-check"))
    text = RAPID.read_text().replace('version: "2026.2"', 'version: "2026.3"')
    response = publish(client, editor, text)
    assert response.status == 302, response.error_summary
    assert response.location == "/admin/questionnaires"
    assert drafts_count(session) == 0
    assert (own_folder / "rapid-equity-check.yaml").read_text() == text
    listing = client.get_page("/admin/questionnaires")
    assert "Published rapid-equity-check version 2026.3." in listing.text("//main")


def test_publishing_a_file_with_errors_is_refused_with_its_problems_and_the_text_kept(
        demo_app, own_folder, session):
    client = signed_in(demo_app, "officer")
    editor = client.get_page(new_draft(client))
    page = publish(client, editor, BROKEN)
    assert page.status == 422
    assert page.error_summary == [] and "The questionnaire has 4 errors" in page.text(
        "//div[@class='error-summary']")
    refused = page.all("//ol[@id='refused-problems']/li")
    assert [li.get("data-line") for li in refused] == ["8", "10", "13", "17"]
    assert page.one("//textarea[@id='source']").text == BROKEN
    assert drafts_count(session) == 1
    assert not (own_folder / "bike-lanes.yaml").exists()


def test_publishing_from_a_stale_editor_is_refused_with_what_changed(demo_app, own_folder,
                                                                     session):
    client = signed_in(demo_app, "officer")
    mine = client.get_page(new_draft(client, "rapid-equity-check"))
    theirs = client.get_page(new_draft(client, "rapid-equity-check"))
    published = RAPID.read_text().replace('version: "2026.2"', 'version: "2026.3"')
    assert publish(client, theirs, published).status == 302
    text = RAPID.read_text().replace('version: "2026.2"', 'version: "2026.4"').replace(
        "title: {en: Rapid equity check,", "title: {en: Quick equity check,")
    page = publish(client, mine, text)
    assert page.status == 409
    assert "was published after you started" in page.text("//section[@id='publish-refused']")
    assert page.all("//section[@id='publish-refused']//div[@class='diff']")
    assert page.one("//textarea[@id='source']").text == text
    assert drafts_count(session) == 1
