"""Other processes on the test database: workers and exports, as in production.

On SQLite the test database lives in memory, so it is copied to a file (`VACUUM INTO`)
that the processes and the test share; on PostgreSQL they use the test database itself
(the test is transactional, so what it wrote is committed and visible to them)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _touch(table: str) -> str:
    """A write that changes nothing: enough to need the write lock."""
    return f"UPDATE {table} SET dusun = dusun WHERE id = (SELECT MIN(id) FROM {table})"  # noqa: S608


class SharedDatabase:
    def __init__(self, tmp_path: Path):
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "shared.sqlite3"
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(self.path)])
            self.url = f"sqlite:///{self.path}"
        else:
            s = connection.settings_dict
            password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
            self.url = (
                f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:"
                f"{s['PORT'] or 5432}/{s['NAME']}"
            )

    def value(self, sql: str, params=()):
        """One value, read outside the test's connection (never blocked by a writer)."""
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path, timeout=10) as db:
                row = db.execute(sql.replace("%s", "?"), params).fetchone()
            return row[0] if row else None
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            row = db.execute(sql, params).fetchone()
        return row[0] if row else None

    @contextmanager
    def write_lock(self):
        """Hold the lock every writer (and every worker's claim) needs."""
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            db.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                db.execute("ROLLBACK")
                db.close()
            return
        import psycopg

        with psycopg.connect(self.url) as db:
            db.execute("LOCK TABLE django_tasks_database_dbtaskresult IN ACCESS EXCLUSIVE MODE")
            yield
            db.rollback()

    def can_write_now(self, table: str = "registry_household") -> bool:
        """Can another connection write at once (within half a second)?"""
        if self.vendor == "sqlite":
            db = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute(_touch(table))
                db.execute("COMMIT")
                return True
            except sqlite3.OperationalError:
                return False
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.url) as db:
            db.execute("SET lock_timeout = '500ms'")
            try:
                db.execute(_touch(table))
                db.commit()
                return True
            except psycopg.errors.LockNotAvailable:
                return False

    def environment(self, media: Path) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings",
            DATABASE_URL=self.url,
            BERDAYA_MEDIA_ROOT=str(media),
            PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        return env

    def berdaya(self, *args: str, media: Path, log: Path) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "berdaya", *args],
            cwd=ROOT,
            env=self.environment(media),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def python(self, code: str, *, media: Path, log: Path) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=self.environment(media),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, *, timeout: float, every: float = 0.05, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"waited {timeout} s for {what or condition}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
