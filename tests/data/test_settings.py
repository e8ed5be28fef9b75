"""Settings come from the environment; local runs get a secret key made for them."""

import pytest

from equity_tool import create_app, settings


def test_defaults_keep_everything_under_the_instance_folder(tmp_path):
    config = settings.load(tmp_path, {})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path}/equity_tool.sqlite3"
    assert config["EQUITY_TOOL_QUESTIONNAIRES"] == settings.PROJECT_ROOT / "questionnaires"
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_SECURE"] is False


def test_a_local_secret_key_is_made_once_and_reused(tmp_path):
    first = settings.load(tmp_path, {})["SECRET_KEY"]
    assert len(first) == 64
    assert (tmp_path / "secret_key").read_text() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert settings.load(tmp_path, {})["SECRET_KEY"] == first
    assert settings.load(tmp_path / "elsewhere", {})["SECRET_KEY"] != first


def test_the_environment_wins(tmp_path):
    config = settings.load(tmp_path, {
        "DATABASE_URL": "postgresql+psycopg://db/equity",
        "SECRET_KEY": "from the environment",
        "EQUITY_TOOL_QUESTIONNAIRES": "/srv/questionnaires",
    })
    assert config["DATABASE_URL"] == "postgresql+psycopg://db/equity"
    assert config["SECRET_KEY"] == "from the environment"
    assert str(config["EQUITY_TOOL_QUESTIONNAIRES"]) == "/srv/questionnaires"
    assert not (tmp_path / "secret_key").exists()


def test_production_needs_a_secret_key(tmp_path):
    with pytest.raises(settings.SettingsError, match="SECRET_KEY must be set"):
        settings.load(tmp_path, {"EQUITY_TOOL_ENV": "production"})
    assert not (tmp_path / "secret_key").exists()


def test_production_cookies_are_secure(tmp_path):
    config = settings.load(tmp_path, {"EQUITY_TOOL_ENV": "production", "SECRET_KEY": "s" * 64})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True


def test_the_app_refuses_to_start_in_production_without_a_key(monkeypatch):
    monkeypatch.setenv("EQUITY_TOOL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(settings.SettingsError, match="SECRET_KEY"):
        create_app()


def test_the_cli_says_what_is_missing_in_production(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "EQUITY_TOOL_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x"}
    env.pop("SECRET_KEY", None)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "equity_tool", "users", "list"],
        cwd=settings.PROJECT_ROOT, env=env, capture_output=True, text=True, check=False,
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set when EQUITY_TOOL_ENV=production" in done.stderr
