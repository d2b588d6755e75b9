"""A KoboToolbox / ODK Central server on 127.0.0.1 that replays the APIs' documented answers.

A thread runs `http.server`; `Replay` answers like the real servers do:

* KoboToolbox API v2 — `GET /api/v2/assets/<uid>/` (the form, `content.survey` with
  `$xpath`) and `GET /api/v2/assets/<uid>/data/?format=json&limit=&start=` (`count`,
  `next`, `previous`, `results`), `Authorization: Token <token>`, 401 `{"detail": ...}`;
* ODK Central — `POST /v1/sessions` (email, password → `token`), the OData service document
  `GET /v1/projects/<p>/forms/<f>.svc`, `GET …svc/Submissions` and `…svc/Submissions.<repeat>`
  with `$top`, `$skip`, `$count` (`@odata.count`, `@odata.nextLink` on the main table),
  `DELETE /v1/sessions/current`.

`fault(...)` makes the next answers of a path a 401/403/404/429/5xx or a slow answer.
Submissions are built from the registry's synthetic households, the way each tool writes
Berdaya's form: KoboToolbox with group paths ("lokasi/kode_desa") and repeats nested as
lists, ODK Central with groups as objects, GPS points as GeoJSON, repeats in their own table.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from berdaya.registry.importers.samples import member_answer
from berdaya.registry.xlsform import HOUSEHOLD, MEMBER, MEMBERS_REPEAT, NO, YES


@dataclass
class Fault:
    method: str
    path: str  # the start of the path it applies to
    status: int
    headers: dict = field(default_factory=dict)
    body: object = None
    times: int = 1
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict


class Replay:
    def __init__(self):
        self.base = ""
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.kobo: dict = {}
        self.odk: dict = {}
        self.lock = threading.Lock()

    # --- set up ---------------------------------------------------------------------

    def fault(self, method, path, status, *, headers=None, body=None, times=1, delay=0.0):
        self.faults.append(Fault(method, path, status, headers or {}, body, times, delay))

    def kobo_project(self, *, uid, token, submissions, survey, page_size=2):
        self.kobo = {
            "uid": uid,
            "token": token,
            "submissions": submissions,
            "survey": survey,
            "page": page_size,
        }

    def odk_form(self, *, project, form, email, password, submissions, repeats, page_size=2):
        self.odk = {
            "project": project,
            "form": form,
            "email": email,
            "password": password,
            "submissions": submissions,
            "repeats": repeats,
            "page": page_size,
            "sessions": set(),
        }

    # --- answering ------------------------------------------------------------------

    def answer(self, method, path, query, headers, body):
        with self.lock:
            self.seen.append(Seen(method, path, query, dict(headers)))
            for fault in self.faults:
                if fault.times and fault.method == method and path.startswith(fault.path):
                    fault.times -= 1
                    if fault.delay:
                        time.sleep(fault.delay)
                    return fault.status, fault.headers, fault.body or {"detail": "replayed"}
        if path.startswith("/api/v2/"):
            return self._kobo(method, path, query, headers)
        if path.startswith("/v1/"):
            return self._odk(method, path, query, headers, body)
        return 404, {}, {"detail": "Not found."}

    def _kobo(self, method, path, query, headers):
        kobo = self.kobo
        if headers.get("Authorization") != f"Token {kobo['token']}":
            return 401, {}, {"detail": "Invalid token."}
        asset = f"/api/v2/assets/{kobo['uid']}/"
        if path == asset:
            return 200, {}, {"uid": kobo["uid"], "content": {"survey": kobo["survey"]}}
        if path != f"{asset}data/":
            return 404, {}, {"detail": "Not found."}
        start = int(query.get("start", ["0"])[0])
        limit = min(int(query.get("limit", ["100"])[0]), kobo["page"])
        rows = kobo["submissions"]
        following = ""
        if start + limit < len(rows):
            following = f"{self.base}{path}?" + urlencode(
                {"format": "json", "limit": limit, "start": start + limit}
            )
        return (
            200,
            {},
            {
                "count": len(rows),
                "next": following or None,
                "previous": None,
                "results": rows[start : start + limit],
            },
        )

    def _odk(self, method, path, query, headers, body):
        odk = self.odk
        if path == "/v1/sessions" and method == "POST":
            sent = json.loads(body or b"{}")
            if (sent.get("email"), sent.get("password")) != (odk["email"], odk["password"]):
                return 401, {}, {"code": 401.2, "message": "Could not authenticate."}
            token = f"session-{len(odk['sessions']) + 1}"
            odk["sessions"].add(token)
            return 200, {}, {"token": token, "expiresAt": "2030-01-01T00:00:00.000Z"}
        token = headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in odk["sessions"]:
            return 401, {}, {"code": 401.2, "message": "Could not authenticate."}
        if path == "/v1/sessions/current" and method == "DELETE":
            odk["sessions"].discard(token)
            return 200, {}, {"success": True}
        service = f"/v1/projects/{odk['project']}/forms/{odk['form']}.svc"
        if path == service:
            tables = ["Submissions", *odk["repeats"]]
            return 200, {}, {"value": [{"name": t, "kind": "EntitySet", "url": t} for t in tables]}
        table = path.removeprefix(f"{service}/")
        if table == "Submissions":
            rows = odk["submissions"]
        elif table in odk["repeats"]:
            rows = odk["repeats"][table]
        else:
            return 404, {}, {"code": 404.1, "message": "Could not find the resource."}
        top = min(int(query.get("$top", ["250"])[0]), odk["page"])
        skip = int(query.get("$skip", ["0"])[0])
        page = {"value": rows[skip : skip + top], "@odata.count": len(rows)}
        if table == "Submissions" and skip + top < len(rows):
            page["@odata.nextLink"] = f"{self.base}{path}?" + urlencode(
                {"$top": top, "$skip": skip + top, "$count": "true"}
            )
        return 200, {}, page


class _Handler(BaseHTTPRequestHandler):
    def _reply(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, headers, content = self.server.replay.answer(
            self.command, parts.path, parse_qs(parts.query), self.headers, body
        )
        data = content if isinstance(content, bytes) else json.dumps(content).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
            pass

    do_GET = do_POST = do_DELETE = _reply

    def log_message(self, *args):  # quiet
        pass


class ReplayServer:
    """`with ReplayServer() as server:` — `server.url`, `server.replay`."""

    def __enter__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.replay = Replay()
        self.httpd.replay = self.replay
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.replay.base = self.url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


# --- submissions of Berdaya's form, as each tool gives them ---------------------------


def _answer(record, question):
    key = question.key
    if key == "gps":
        return None if record.latitude is None else (record.latitude, record.longitude)
    if key in {"village_code", "kk", "dusun", "rw", "rt", "address", "surveyed_on"}:
        return getattr(record, key)
    if key == "consent":
        return record.consent
    if key == "schemes":
        return record.schemes
    if key.startswith("extra."):
        return record.extra.get(key.removeprefix("extra."))
    return record.survey.get(key)


def _kobo_value(value, question):
    if value is None or value == "" or value == []:
        return None
    if question.kind == "geopoint":
        return f"{value[0]} {value[1]} 0.0 5.0"
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _questions(form, level):
    return [
        q
        for group in form.groups
        for q in group.questions
        if q.level == level and q.key and q.type not in {"note", "calculate"}
    ]


def kobo_survey(form) -> list[dict]:
    """The asset's `content.survey` of Berdaya's form, as KoboToolbox keeps it."""
    rows = []
    for group in form.groups:
        kind = "repeat" if group.repeat else "group"
        rows.append({"type": f"begin_{kind}", "name": group.name, "$xpath": group.name})
        for q in group.questions:
            rows.append({"type": q.type, "name": q.name, "$xpath": f"{group.name}/{q.name}"})
        rows.append({"type": f"end_{kind}"})
    return rows


def kobo_submission(record, form, *, number, review=None, submitter=None) -> dict:
    """One submission of KoboToolbox's `/api/v2/assets/<uid>/data/` for `record`."""
    row = {"_id": number, "formhub/uuid": "f0rmhub", "start": "2025-05-01T08:00:00.000+07:00"}
    for q in _questions(form, HOUSEHOLD):
        value = _kobo_value(_answer(record, q), q)
        if value is not None:  # KoboToolbox leaves unanswered questions out
            row[f"{q.group}/{q.name}" if q.group else q.name] = value
    row[MEMBERS_REPEAT] = [
        {
            f"{q.group}/{q.name}": value
            for q in _questions(form, MEMBER)
            if (value := _kobo_value(member_answer(member, q), q)) is not None
        }
        for member in record.members
    ]
    submitted = record.submitted_at.replace(tzinfo=None).isoformat(timespec="seconds")
    row.update(
        {
            "__version__": "vBerdaya",
            "meta/instanceID": f"uuid:{record.uuid}",
            "meta/rootUuid": f"uuid:{record.uuid}",
            "_xform_id_string": "aBerdaya",
            "_uuid": record.uuid,
            "_attachments": [],
            "_status": "submitted_via_web",
            "_geolocation": [record.latitude, record.longitude],
            "_submission_time": submitted,
            "_tags": [],
            "_notes": [],
            "_validation_status": review or {},
            "_submitted_by": submitter,
        }
    )
    return row


def _odk_value(value, question):
    if value is None or value == "" or value == []:
        return None
    if question.kind == "geopoint":
        return {
            "type": "Point",
            "coordinates": [value[1], value[0], 0.0],
            "properties": {"accuracy": 5.0},
        }
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value  # numbers stay numbers in OData


def odk_submission(record, form, *, review=None, submitter="Pendamping", edited_at=None):
    """One row of Central's `Submissions` (groups as objects) and its members' rows."""
    key = f"uuid:{record.uuid}"
    row: dict = {"__id": key}
    for q in _questions(form, HOUSEHOLD):
        target = row.setdefault(q.group, {}) if q.group else row
        target[q.name] = _odk_value(_answer(record, q), q)
    row.setdefault("meta", {})["instanceID"] = key
    row[f"{MEMBERS_REPEAT}@odata.navigationLink"] = f"Submissions('{key}')/{MEMBERS_REPEAT}"
    row["__system"] = {
        "submissionDate": record.submitted_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "updatedAt": edited_at,
        "submitterId": "7",
        "submitterName": submitter,
        "attachmentsPresent": 0,
        "attachmentsExpected": 0,
        "status": None,
        "reviewState": review,
        "deviceId": None,
        "edits": 1 if edited_at else 0,
        "formVersion": "2026.1",
    }
    members = [
        {
            **{q.name: _odk_value(member_answer(member, q), q) for q in _questions(form, MEMBER)},
            "__id": f"{record.uuid[:8]}{position:032x}"[:40],
            "__Submissions-id": key,
        }
        for position, member in enumerate(record.members, start=1)
    ]
    return row, members
