"""Two real app servers (OS processes, `flask run`) on one PostgreSQL database, each with its
own copy of the questionnaires folder: they offer the same questionnaires without a restart.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import requests
from sqlmodel import Session

from equity_tool.core.db import create_engine
from tests import factories
from tests.conftest import new_database, squash
from tests.factories import rapid_check_text as rapid_text
from tests.local_servers import free_port

ROOT = Path(__file__).resolve().parents[2]
RAPID = "rapid-equity-check"
ADMIN = "adi@city.gov"
DEADLINE = 10.0  # seconds: servers ask the database every 2 s (QUESTIONNAIRE_REFRESH_SECONDS)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def database_url(request, tmp_path) -> Iterator[str]:
    yield from new_database(request, "postgres", tmp_path)


@contextmanager
def app_server(database_url: str, folder: Path) -> Iterator[str]:
    """`flask run` in a process of its own; yields its base URL once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "EQUITY_TOOL_"))}
    env.update(DATABASE_URL=database_url, EQUITY_TOOL_QUESTIONNAIRES=str(folder),
               SECRET_KEY="not secret: tests only", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "flask", "--app", "equity_tool", "run", "--host",
               "127.0.0.1", "--port", str(port), "--no-reload", "--no-debugger"]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            until(lambda: _answers(server, base, log), "the server to answer", deadline=30)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


def _answers(server: subprocess.Popen, base: str, log) -> bool:
    if server.poll() is not None:
        log.seek(0)
        raise RuntimeError(f"the server exited:\n{log.read().decode()}")
    with suppress(requests.ConnectionError):
        return requests.get(f"{base}/sign-in", timeout=5).status_code == 200
    return False


def until(check: Callable[[], Any], what: str, deadline: float = DEADLINE) -> Any:
    """The first true result of `check`, asked again and again until `deadline` seconds."""
    end = time.monotonic() + deadline
    while not (result := check()):
        if time.monotonic() > end:
            raise AssertionError(f"waited {deadline} s for {what}")
        time.sleep(0.2)
    return result


def signed_in(base: str) -> requests.Session:
    http = requests.Session()
    token = CSRF.search(http.get(f"{base}/sign-in", timeout=10).text).group(1)
    response = http.post(f"{base}/sign-in", allow_redirects=False, timeout=10, data={
        "csrf_token": token, "email": ADMIN, "password": factories.PASSWORD})
    assert response.status_code == 302
    return http


def in_use(http: requests.Session, base: str) -> str | None:
    """The rapid check's version new assessments start on, as the questionnaires page says."""
    page = http.get(f"{base}/admin/questionnaires", timeout=10)
    assert page.status_code == 200
    found = re.search(r"New assessments start on version (\S+)\.", _section(page.text))
    return found.group(1) if found else None


def _section(html: str) -> str:
    document = lxml.html.document_fromstring(html)
    [section] = document.xpath(f"//section[h2[@id='questionnaire-{RAPID}']]")
    return squash(section.text_content())


def publish_through_the_editor(http: requests.Session, base: str, text: str) -> None:
    """A new version of the rapid check, written and published in the browser's editor."""
    drafts = http.get(f"{base}/admin/drafts", timeout=10)
    created = http.post(f"{base}/admin/drafts", timeout=10, data={
        "csrf_token": CSRF.search(drafts.text).group(1), "questionnaire_id": RAPID})
    assert created.status_code == 200, created.status_code
    editor = lxml.html.document_fromstring(created.text)
    [button] = editor.xpath("//main//button[normalize-space()='Publish']")
    form = button.getparent() if button.get("form") is None else None
    while form is not None and form.tag != "form":
        form = form.getparent()
    data = dict(form.form_values()) | {"source": text}
    published = http.post(base + (button.get("formaction") or form.get("action")), data=data,
                          timeout=10)
    assert published.status_code == 200 and published.url.endswith("/admin/questionnaires"), (
        published.status_code, published.url)


def test_two_servers_offer_the_same_questionnaires_without_a_restart(database_url, tmp_path):
    folders = [tmp_path / "server-1", tmp_path / "server-2"]
    for folder in folders:
        shutil.copytree(ROOT / "questionnaires", folder)
    engine = create_engine(database_url)
    with Session(engine) as session:
        factories.user(session, email=ADMIN, role="admin", department_name=None,
                       name="Adi Admin")
    engine.dispose()
    with ExitStack() as servers:
        one, two = (servers.enter_context(app_server(database_url, f)) for f in folders)
        http_one, http_two = signed_in(one), signed_in(two)
        assert (in_use(http_one, one), in_use(http_two, two)) == ("2026.2", "2026.2")

        # published through server 1: offered there at once, and by server 2 within seconds
        publish_through_the_editor(http_one, one, rapid_text("2026.3"))
        assert in_use(http_one, one) == "2026.3"
        until(lambda: in_use(http_two, two) == "2026.3", "server 2 to offer 2026.3")
        assert 'version: "2026.3"' in (folders[0] / f"{RAPID}.yaml").read_text()
        assert 'version: "2026.2"' in (folders[1] / f"{RAPID}.yaml").read_text()

        # a file edited in server 2's folder: picked up there, and by server 1 through the
        # database
        (folders[1] / f"{RAPID}.yaml").write_text(rapid_text("2026.4"))
        until(lambda: in_use(http_two, two) == "2026.4", "server 2 to read its folder")
        until(lambda: in_use(http_one, one) == "2026.4", "server 1 to offer 2026.4")

        # a broken file: the last good version stays in use and every page still works
        broken = rapid_text("2026.5").replace("type: yes_no", "type: yesno", 1)
        (folders[1] / f"{RAPID}.yaml").write_text(broken)
        page = http_two.get(f"{two}/admin/questionnaires", timeout=10)
        assert page.status_code == 200
        text = squash(lxml.html.document_fromstring(page.text).text_content())
        assert re.search(rf"{re.escape(str(folders[1] / RAPID))}\.yaml:\d+:\d+: error: "
                         r"unknown question type 'yesno'", text)
        assert in_use(http_two, two) == "2026.4"
        start = http_two.get(f"{two}/questionnaires/{RAPID}", timeout=10)
        assert start.status_code == 200
        assert http_one.get(f"{one}/questionnaires/{RAPID}", timeout=10).status_code == 200
        assert in_use(http_one, one) == "2026.4"
