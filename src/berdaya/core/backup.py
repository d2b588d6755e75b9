"""Backups of the database, without the keys: `berdaya backup FILE`, `berdaya restore FILE`.

* PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --single-transaction`
  (the server's own tools, so the copy is consistent while the application runs);
* SQLite: the SQLite online backup API (`sqlite3.Connection.backup`), a consistent copy of
  the live file even while others write.

NIK and KK are in the backup as they are in the database: Fernet ciphertext and keyed
hashes. The keys (`BERDAYA_FIELD_KEYS`, `BERDAYA_HASH_KEY`) live in the environment, never
in the database, so a stolen backup is unreadable; keep the keys somewhere else (see
docs/privacy.md). A restore replaces the whole database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection
from django.utils.translation import gettext as _

from .errors import BerdayaError, ValidationFailed

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


def _pg_env(settings_dict) -> tuple[list[str], dict]:
    args = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BerdayaError(
            _("%(tool)s is not installed (apt-get install postgresql-client).") % {"tool": name}
        )
    return path


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BerdayaError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(command[0]).name, "error": result.stderr.strip()[-500:]}
        )


def database_backup(*, target: Path, settings_dict: dict | None = None) -> Path:
    """Write a consistent copy of the database to `target` (a new file)."""
    settings_dict = settings_dict or connection.settings_dict
    target = Path(target)
    if target.exists():
        raise ValidationFailed(_("%(file)s exists already; choose a new name.") % {"file": target})
    if connection.vendor == "postgresql":
        args, env = _pg_env(settings_dict)
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             "--file", str(target), *args],
            env,
        )  # fmt: skip
        return target
    if connection.in_atomic_block:
        # SQLite's backup would wait for this connection's own write lock for ever.
        raise BerdayaError(_("A backup cannot be made inside a transaction."))
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return target


def _kind(source: Path) -> str:
    with open(source, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise ValidationFailed(_("%(file)s is not a Berdaya backup.") % {"file": source})


def database_restore(*, source: Path, settings_dict: dict | None = None) -> None:
    """Replace the whole database with the backup in `source`."""
    settings_dict = settings_dict or connection.settings_dict
    source = Path(source)
    if not source.is_file():
        raise ValidationFailed(_("%(file)s does not exist.") % {"file": source})
    kind = _kind(source)
    if kind != connection.vendor:
        raise ValidationFailed(
            _("This is a %(kind)s backup; the database is %(vendor)s.")
            % {"kind": kind, "vendor": connection.vendor}
        )
    if kind == "postgresql":
        args, env = _pg_env(settings_dict)
        _run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", *args, str(source)],
            env,
        )  # fmt: skip
        return
    backup = sqlite3.connect(source)
    try:
        connection.ensure_connection()
        backup.backup(connection.connection)
    finally:
        backup.close()
