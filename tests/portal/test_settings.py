from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from portal.env import celery_broker_from_redis_url, database_from_url, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def test_every_model_change_has_a_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_deploy_checks_pass_with_production_environment():
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "p" * 20 + "-production-like-secret-key-with-enough-entropy-7f3a9c",
        "DATABASE_URL": "postgresql://portal:secret@db.internal:5432/portal",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "DJANGO_ALLOWED_HOSTS": "portal.kyiv.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_to_start_without_a_secret_key():
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": "postgresql://x@y/z",
        "REDIS_URL": "redis://r",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_defaults_are_safe(settings):
    assert settings.LANGUAGE_CODE == "uk"
    assert [code for code, _ in settings.LANGUAGES] == ["uk", "en"]
    assert settings.TIME_ZONE == "Europe/Kyiv"
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.PORTAL_SESSION_RENEW_SECONDS <= 60


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("off", False), ("Yes", True)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_readers_fail_loudly_on_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)
    with pytest.raises(ImproperlyConfigured, match="X_NUMBER"):
        env_int("X_NUMBER", 1)


def test_database_url_with_a_unix_socket_directory():
    config = database_from_url("postgresql://postgres:@/portal?host=/work/var/pgdata")
    assert config["NAME"] == "portal"
    assert config["HOST"] == "/work/var/pgdata"
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://root@localhost/portal")


def test_celery_speaks_redis_socket_urls():
    assert (
        celery_broker_from_redis_url("unix:///tmp/r.sock?db=1") == "redis+socket:///tmp/r.sock?db=1"
    )
    assert celery_broker_from_redis_url("redis://h:6379/0") == "redis://h:6379/0"


def test_ukrainian_messages_are_compiled():
    assert (ROOT / "locale" / "uk" / "LC_MESSAGES" / "django.mo").exists()
