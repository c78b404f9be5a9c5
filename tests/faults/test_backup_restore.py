"""The backup and restore drill: `scripts/backup.py` (encrypted pg_dump and an encrypted tar of
the private files, docs/deployment.md) restores into an empty database with the embedded
server's binaries; the restored portal makes the same 9-month report, figure for figure, has the
same audit log, and the same private files, byte for byte."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services as case_services
from portal.calendar import KYIV
from portal.models import AuditEvent
from tests.cases.factories import intake
from tests.cases.test_views import PNG
from tests.faults.conftest import ROOT, database_url_for_processes
from tests.faults.pgcluster import require_embedded_superuser

pytestmark = pytest.mark.django_db(transaction=True)

RESTORED = "portal_restore_drill"


def _run(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _env(database_url: str, private_root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "PORTAL_PRIVATE_ROOT": str(private_root),
    }


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _audit(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT id, at, username, action, object_type, object_id, detail "
            "FROM portal_auditevent ORDER BY id"
        ).fetchall()


@pytest.fixture
def empty_database():
    require_embedded_superuser()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{RESTORED}"')
        cursor.execute(f'CREATE DATABASE "{RESTORED}"')
    source = database_url_for_processes()
    name = connection.settings_dict["NAME"]
    yield source.replace(f"/{name}?", f"/{RESTORED}?")
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')


def test_an_encrypted_backup_restores_into_an_empty_database_with_the_same_report_and_audit(
    owner, programme, empty_database, tmp_path
):
    if not shutil.which("gpg"):
        pytest.fail("gpg is missing: `make system-deps` installs gnupg")
    for day in range(2, 9):
        reported = datetime(2024, 3, day, 10, tzinfo=KYIV)
        case = case_services.case_register(
            actor=owner,
            data=intake(
                reported_at=reported,
                incident={"occurred_at": reported - timedelta(hours=1), "forms": ["physical"]},
            ),
        )
    case_services.attachment_add(
        actor=owner, case_id=case.pk, upload=SimpleUploadedFile("photo.png", PNG, "image/png")
    )
    private = Path(settings.PORTAL_PRIVATE_ROOT)
    passphrase = tmp_path / "backup.pass"
    passphrase.write_text("drill passphrase, not for production\n")
    source = database_url_for_processes()

    written = _run(
        "scripts/backup.py",
        "backup",
        "--to",
        str(tmp_path / "backup"),
        "--passphrase-file",
        str(passphrase),
        "--private-root",
        str(private),
        env=_env(source, private),
    ).split()
    assert len(written) == 2
    for path in map(Path, written):
        assert b"PGDMP" not in path.read_bytes()[:64]  # encrypted, not a plain dump
        assert path.stat().st_mode & 0o077 == 0

    restored_files = tmp_path / "restored-private"
    _run(
        "scripts/backup.py",
        "restore",
        "--from",
        str(tmp_path / "backup"),
        "--passphrase-file",
        str(passphrase),
        "--database-url",
        empty_database,
        "--private-root",
        str(restored_files),
        env=_env(source, private),
    )

    report = [
        "manage.py",
        "programme_report",
        "--year",
        "2024",
        "--months",
        "9",
        "--format",
        "json",
    ]
    original = json.loads(_run(*report, env=_env(source, private)))
    again = json.loads(_run(*report, env=_env(empty_database, restored_files)))
    assert again == original
    assert original["cases"]["registered"]["current"] == 7
    assert _audit(empty_database) == _audit(source)
    assert AuditEvent.objects.count() > 0
    assert _files(restored_files) == _files(private) != {}


def test_a_wrong_passphrase_restores_nothing(owner, empty_database, tmp_path):
    private = Path(settings.PORTAL_PRIVATE_ROOT)
    right, wrong = tmp_path / "right.pass", tmp_path / "wrong.pass"
    right.write_text("the right one\n")
    wrong.write_text("not it\n")
    source = database_url_for_processes()
    _run(
        "scripts/backup.py",
        "backup",
        "--to",
        str(tmp_path / "b"),
        "--passphrase-file",
        str(right),
        "--private-root",
        str(private),
        env=_env(source, private),
    )
    done = subprocess.run(
        [
            sys.executable,
            "scripts/backup.py",
            "restore",
            "--from",
            str(tmp_path / "b"),
            "--passphrase-file",
            str(wrong),
            "--database-url",
            empty_database,
            "--private-root",
            str(tmp_path / "r"),
        ],
        cwd=ROOT,
        env=_env(source, private),
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode != 0
    with psycopg.connect(empty_database) as conn:
        assert (
            conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
            == 0
        )
