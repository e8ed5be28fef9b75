"""Every HTML page the browser tests are served is checked with the Nu Html Checker (vnu).

`served()` wraps the app in `recording`, which keeps each full HTML document it sends; when the
test session ends, `invalid_html` runs vnu over them once (one Java start) and lists every
error with the page's address. `make test` installs vnu from npm into .tools/.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGES: dict[str, tuple[str, str]] = {}  # content hash -> (address, document)


def recording(app):
    """`app`, keeping a copy of every full HTML document it answers with."""

    def wsgi(environ, start_response):
        kind = {}

        def start(status, headers, exc_info=None):
            kind["html"] = any(name.lower() == "content-type" and value.startswith("text/html")
                               for name, value in headers)
            return start_response(status, headers, exc_info)

        body = app(environ, start)
        try:
            chunks = list(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if kind.get("html"):
            _keep(environ.get("PATH_INFO", "/"), b"".join(chunks).decode("utf-8", "replace"))
        return chunks

    return wsgi


def _keep(address: str, document: str) -> None:
    # htmx fragments are parts of a page, not documents: the page they land in is checked.
    if document.lstrip()[:15].lower() == "<!doctype html>":
        PAGES.setdefault(hashlib.sha256(document.encode()).hexdigest(), (address, document))


def available() -> bool:
    return VNU_JAR.is_file() and shutil.which("java") is not None


def invalid_html() -> list[str]:
    """"address:line: message" for each error vnu finds in the pages kept so far."""
    if not PAGES:
        return []
    with tempfile.TemporaryDirectory() as folder:
        names, paths = {}, []
        for number, (address, document) in enumerate(PAGES.values()):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(document, encoding="utf-8")
            names[path.name], paths = address, [*paths, str(path)]
        done = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
             "--exit-zero-always", *paths],
            capture_output=True, text=True, timeout=300, check=True)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [f"{names.get(Path(m.get('url', '')).name, m.get('url'))}:{m.get('lastLine', '?')}: "
            f"{m['message']}" for m in messages if m.get("type") == "error"]
