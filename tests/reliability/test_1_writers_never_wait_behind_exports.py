"""Finding 1: an export blocked every write for its whole duration (SQLite): the export ran
in one transaction, which in IMMEDIATE mode holds SQLite's write lock, so a manager's
person-level export of 120,946 persons (54 s) made 8 of 9 posts by a facilitator fail with
a 500 "database is locked".

An export now reads in a read-only snapshot that holds no write lock; a write that still
meets a busy SQLite is retried in one place (the database backend), and what stays busy
gets a translated "busy, try again" page (503 with Retry-After), never a 500.
Measured with 20 concurrent writers in benchmarks/bench_writers_during_export.py."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation

from .processes import SharedDatabase, stop, wait_for

EXPORT_PAUSED_MID_WAY = """
import pathlib, time, django
django.setup()
from berdaya.core.models import User
from berdaya.registry import exports
from berdaya.registry.selectors import households_visible_to

marker, go = pathlib.Path({marker!r}), pathlib.Path({go!r})
real_rows = exports._person_rows

def rows(*args, **kwargs):
    for number, row in enumerate(real_rows(*args, **kwargs)):
        if number == 10:  # half-way through reading: let the test try to write
            marker.write_text("reading")
            deadline = time.monotonic() + 60
            while not go.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        yield row

exports._person_rows = rows
user = User.objects.get(username="manajer")
file = exports.registry_export(
    user=user, households=households_visible_to(user), level="persons", file_format="xlsx"
)
print("exported", file.rows)
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_goes_through_while_an_export_is_reading(demo, tmp_path, media):
    shared = SharedDatabase(tmp_path)
    marker, go = tmp_path / "reading", tmp_path / "go"
    log = tmp_path / "export.log"
    export = shared.python(
        EXPORT_PAUSED_MID_WAY.format(marker=str(marker), go=str(go)), media=media, log=log
    )
    try:
        wait_for(marker.exists, timeout=90, what="the export to start reading")
        assert shared.can_write_now(), "a write had to wait for the export"
        go.write_text("go")
        assert export.wait(timeout=90) == 0, log.read_text()
    finally:
        go.write_text("go")
        stop(export)
    assert "exported" in log.read_text()


def test_a_database_that_stays_busy_answers_503_with_retry_after(demo, login, monkeypatch):
    from berdaya.registry import views

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views.services, "household_survey_record", busy)
    household = demo.organisation.households.filter(village_id="34.03.06.2002").first()
    client = login("pendamping.girisekar")
    with translation.override("id"):
        response = client.post(
            reverse("registry:survey-add", args=[household.pk]),
            {"surveyed_on": "2025-01-06", "land_m2": "100"},
        )
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "sibuk" in response.content.decode()


def test_a_briefly_locked_sqlite_is_retried_in_the_backend(tmp_path, django_db_blocker):
    """The backend, on a database file of its own: a write in autocommit that meets a lock
    held for longer than SQLite's busy timeout is retried, and goes through."""
    from berdaya.core.sqlite.base import DatabaseWrapper

    path = tmp_path / "busy.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x INTEGER)")
    wrapper = DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "berdaya.core.sqlite",
            "OPTIONS": {"init_command": "PRAGMA busy_timeout=100;"},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        }
    )
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: holder.execute("ROLLBACK"))
    release.start()
    started = time.monotonic()
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO t (x) VALUES (1)")
    finally:
        release.join()
        holder.close()
        with django_db_blocker.unblock():
            wrapper.close()
    assert time.monotonic() - started >= 0.25  # it waited, then went through
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_snapshot_begins_a_deferred_read_even_on_a_fresh_connection(demo):
    """Connecting sets SQLite's IMMEDIATE mode from the settings: the snapshot must still
    begin DEFERRED (a reader) when it is the first thing a connection does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from berdaya.core.db import read_snapshot

    connection.close()
    with CaptureQueriesContext(connection) as queries, read_snapshot():
        list(demo.organisation.households.values_list("pk", flat=True)[:5])
    begins = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("BEGIN")]
    if connection.vendor == "sqlite":
        assert begins == ["BEGIN DEFERRED"]
    else:
        assert any("READ ONLY" in q["sql"] for q in queries.captured_queries)
