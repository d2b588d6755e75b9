"""/healthz for load balancers and uptime checks."""

from __future__ import annotations

from django.db import DatabaseError
from django.test import Client

from berdaya.core import views


def test_health_is_reachable_without_signing_in_and_reports_ok(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


class _BrokenConnection:
    vendor = "broken"

    def cursor(self):
        raise DatabaseError(
            'could not connect to server: host "db.internal" password=hunter2 secret-detail'
        )


def test_an_unreachable_database_gives_503_json_without_details(db, monkeypatch):
    monkeypatch.setattr(views, "connection", _BrokenConnection())
    response = Client().get("/healthz")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert response.json()["status"] != "ok"
    assert response.json()["database"] != "ok"
    assert "Traceback" not in body
    assert "secret-detail" not in body
    assert "db.internal" not in body
    assert "hunter2" not in body


def test_a_failing_query_is_also_reported_as_503(db, monkeypatch):
    class _FailingCursor:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params=None):
            raise DatabaseError("server closed the connection unexpectedly")

    class _Connection:
        vendor = "broken"

        def cursor(self):
            return _FailingCursor()

    monkeypatch.setattr(views, "connection", _Connection())
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert "server closed" not in response.content.decode()


def test_health_answers_only_get(db):
    assert Client().post("/healthz").status_code == 405
