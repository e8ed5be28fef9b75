"""Settings read from the environment; each config key has the name of its variable."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message says how to fix it."""


def load(instance_path: Path, environ: Mapping[str, Any]) -> dict[str, Any]:
    """Flask config built from `environ`, with local defaults kept under `instance_path`."""
    production = environ.get("EQUITY_TOOL_ENV", "development") == "production"
    default_db = f"sqlite:///{instance_path / 'equity_tool.sqlite3'}"
    return {
        "EQUITY_TOOL_ENV": "production" if production else "development",
        "DATABASE_URL": environ.get("DATABASE_URL") or default_db,
        "SECRET_KEY": _secret_key(instance_path, environ, production=production),
        "EQUITY_TOOL_QUESTIONNAIRES": Path(
            environ.get("EQUITY_TOOL_QUESTIONNAIRES") or PROJECT_ROOT / "questionnaires"
        ),
        # How often (seconds) each app server asks the database for questionnaire versions
        # published or retired through another server.
        "QUESTIONNAIRE_REFRESH_SECONDS": _seconds("QUESTIONNAIRE_REFRESH_SECONDS",
                                                  environ.get("QUESTIONNAIRE_REFRESH_SECONDS"),
                                                  default=2.0),
        # The annual report's Word template; unset: the shipped one (docs/export-templates.md).
        "ANNUAL_REPORT_TEMPLATE": environ.get("ANNUAL_REPORT_TEMPLATE") or None,
        # Mail for notifications; without SMTP_HOST they stay in the app's list.
        **{name: environ.get(name) for name in ("SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME",
                                                 "SMTP_PASSWORD", "MAIL_FROM")},
        # Where people open the app (https://equity.city.gov), for links in emails such as
        # invitations; unset: the address the administrator's own request came to.
        "APP_URL": (environ.get("APP_URL") or "").strip().rstrip("/") or None,
        # Dates and times are shown in the city's zone (an IANA name such as America/Chicago).
        "EQUITY_TOOL_TIMEZONE": environ.get("EQUITY_TOOL_TIMEZONE") or "UTC",
        # Scripts cannot read the session cookie, other sites' forms do not carry it, and in
        # production it only travels over HTTPS.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # Forms stay valid for a working day: a long question page must not expire mid-answer.
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # Large enough for any form; larger posts are refused before they are parsed.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # A questionnaire written or uploaded in the browser: the largest file accepted.
        "QUESTIONNAIRE_MAX_BYTES": 256 * 1024,
        # Sign-in limits count by client address: behind proxies, say how many there are.
        "TRUSTED_PROXIES": _trusted_proxies(environ.get("TRUSTED_PROXIES")),
        # The public register at /public (issue 13): off unless the city turns it on.
        "PUBLIC_REGISTER": _switch("PUBLIC_REGISTER", environ.get("PUBLIC_REGISTER")),
        # Named in the register's pages and open data, as open-data portals describe datasets.
        "PUBLIC_REGISTER_PUBLISHER": environ.get("PUBLIC_REGISTER_PUBLISHER")
        or "The city's office of equity",
        "PUBLIC_DATA_LICENSE": environ.get("PUBLIC_DATA_LICENSE")
        or "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "PUBLIC_DATA_LICENSE_URL": environ.get("PUBLIC_DATA_LICENSE_URL")
        or "https://creativecommons.org/licenses/by/4.0/",
    }


def _switch(name: str, value: Any) -> bool:
    """An on/off setting: 1, true, yes or on; 0, false, no, off or unset."""
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be on or off (1 or 0), not {value!r}.")


def _seconds(name: str, value: Any, *, default: float) -> float:
    """A duration in seconds, 0 or more (fractions allowed); `default` when unset."""
    text = str(value if value is not None else "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise SettingsError(f"{name} must be a number of seconds (0 or more), not {value!r}.")
    return seconds


def _trusted_proxies(value: Any) -> int:
    """How many proxies in front of the app add to X-Forwarded-For; 0 (none) by default."""
    text = str(value if value is not None else "").strip() or "0"
    if not (text.isascii() and text.isdigit()):
        raise SettingsError(
            f"TRUSTED_PROXIES must be a number of proxies (0 or more), not {value!r}. Count "
            "the proxies that add to X-Forwarded-For between the internet and this app."
        )
    return int(text)


def _secret_key(instance_path: Path, environ: Mapping[str, Any], *, production: bool) -> str:
    if key := environ.get("SECRET_KEY"):
        return key
    if production:
        raise SettingsError(
            "SECRET_KEY must be set when EQUITY_TOOL_ENV=production. Generate one with:\n"
            "  python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )
    return _local_secret_key(instance_path / "secret_key")


def _local_secret_key(path: Path) -> str:
    """The key kept in `path`, created on first use; several workers may race to create it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written aside then linked into place, so no worker ever reads a half-written key.
        fd, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
        os.unlink(temporary)
    return path.read_text().strip()
