from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import translation

from portal.env import celery_broker_from_redis_url, database_from_url, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]
MSGFMT = shutil.which("msgfmt") or "/usr/bin/msgfmt"


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
        celery_broker_from_redis_url("unix:///tmp/r.sock?db=1")
        == "redis+socket:///tmp/r.sock?virtual_host=1"
    )
    assert celery_broker_from_redis_url("unix:///tmp/r.sock") == "redis+socket:///tmp/r.sock"
    assert celery_broker_from_redis_url("redis://h:6379/0") == "redis://h:6379/0"


def test_the_celery_broker_uses_the_redis_database_the_url_names(settings):
    """Kombu reads a socket URL's database from `virtual_host` and ignores `db`: with `?db=N`
    every worker, the tests' included, would share database 0, the demo's queue."""
    from kombu import Connection

    if not settings.CELERY_BROKER_URL.startswith("redis+socket://"):
        pytest.skip("the broker is not on a unix socket here")
    expected = int(settings.REDIS_URL.partition("db=")[2] or 0)
    with Connection(settings.CELERY_BROKER_URL) as connection:
        channel = connection.default_channel
        assert channel.client.connection_pool.connection_kwargs["db"] == expected != 0


def _ukrainian_catalogues() -> list[Path]:
    """The .po files Django reads: LOCALE_PATHS and the locale/ folder of each of our apps."""
    from django.apps import apps
    from django.conf import settings

    folders = [Path(path) for path in settings.LOCALE_PATHS] + [
        Path(app.path) / "locale" for app in apps.get_app_configs() if Path(app.path).parent == ROOT
    ]
    return sorted(po for folder in folders for po in folder.glob("uk/LC_MESSAGES/django.po"))


def _translations(mo: Path) -> gettext.GNUTranslations:
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def _mismatches(po: polib.POFile, catalogue: gettext.GNUTranslations) -> list[str]:
    wrong = []
    for entry in po.translated_entries():
        if entry.msgid_plural:
            continue
        if entry.msgctxt:
            got = catalogue.pgettext(entry.msgctxt, entry.msgid)
        else:
            got = catalogue.gettext(entry.msgid)
        if got != entry.msgstr:
            wrong.append(entry.msgid)
    return wrong


def test_every_ukrainian_catalogue_is_complete_and_compiles(tmp_path):
    catalogues = _ukrainian_catalogues()
    assert len(catalogues) == 5  # locale/ and cases, orders, referrals, programme
    for po_path in catalogues:
        po = polib.pofile(str(po_path))
        assert [e.msgid for e in po.untranslated_entries()] == [], po_path
        assert [e.msgid for e in po.fuzzy_entries()] == [], po_path
        mo = tmp_path / f"{po_path.parents[2].name}.mo"
        subprocess.run(
            [MSGFMT, "--check-format", "-o", str(mo), str(po_path)],
            check=True,
            capture_output=True,
        )
        assert _mismatches(po, _translations(mo)) == [], po_path


def test_the_committed_ukrainian_messages_are_the_compiled_catalogues():
    for po_path in _ukrainian_catalogues():
        committed = _translations(po_path.with_suffix(".mo"))
        assert _mismatches(polib.pofile(str(po_path)), committed) == [], po_path
    with translation.override("uk"):
        assert translation.gettext("Page not found") == "Сторінку не знайдено"
        assert translation.gettext("Page not found") != "Page not found"
