"""Pulling from a replayed KoboToolbox and ODK Central server into the registry."""

from __future__ import annotations

import copy
import logging
import uuid

import pytest
from django.db import connection as db

from berdaya.intake import clients, services
from berdaya.intake.models import Pull, RemoteSubmission, ServerConnection
from berdaya.registry.importers.samples import synthetic_households
from berdaya.registry.models import Household, HouseholdSurvey, ImportJob, Submission
from berdaya.registry.xlsform import form_build

from .replay import ReplayServer, kobo_submission, kobo_survey, odk_submission

VILLAGE = "34.03.06.2002"  # Girisekar, a village of the demo programme
TOKEN = "kobo-secret-token-0123456789abcdef"
PASSWORD = "rahasia-sekali-321"
NOT_APPROVED = {"uid": "validation_status_not_approved", "label": "Not Approved"}


@pytest.fixture
def server():
    with ReplayServer() as running:
        yield running


@pytest.fixture
def waits(monkeypatch):
    """The waits between retries, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(clients, "wait", recorded.append)
    return recorded


@pytest.fixture
def form(demo):
    return form_build(organisation_id=demo.organisation.pk, custom_questions=[])


@pytest.fixture
def records():
    return synthetic_households(5, village_code=VILLAGE, seed=81)


def _kobo(demo, server, **changes) -> ServerConnection:
    fields = {
        "name": "Kobo Girisekar",
        "kind": "kobo",
        "village_code": VILLAGE,
        "server_url": server.url,
        "asset_uid": "aBerdaya123",
        "secret": TOKEN,
        **changes,
    }
    return services.connection_save(user=demo.users["manajer"], programme=demo.programme, **fields)


def _odk(demo, server, **changes) -> ServerConnection:
    fields = {
        "name": "Central Girisekar",
        "kind": "odk",
        "village_code": VILLAGE,
        "server_url": server.url,
        "project_id": 3,
        "form_id": "berdaya_pemetaan",
        "username": "pendamping@example.org",
        "secret": PASSWORD,
        **changes,
    }
    return services.connection_save(user=demo.users["manajer"], programme=demo.programme, **fields)


def _pull(demo, connection, user="manajer") -> Pull:
    pull = services.pull_request(user=demo.users[user], connection=connection, queue=False)
    return services.pull_run(pull.pk)


def _kobo_project(server, records, form, **by_index):
    submissions = [
        kobo_submission(record, form, number=100 + i, **by_index.get(str(i), {}))
        for i, record in enumerate(records)
    ]
    server.replay.kobo_project(
        uid="aBerdaya123", token=TOKEN, submissions=submissions, survey=kobo_survey(form)
    )
    return submissions


def _odk_form(server, records, form, **by_index):
    rows, members = [], []
    for i, record in enumerate(records):
        row, people = odk_submission(record, form, **by_index.get(str(i), {}))
        rows.append(row)
        members += people
    server.replay.odk_form(
        project=3,
        form="berdaya_pemetaan",
        email="pendamping@example.org",
        password=PASSWORD,
        submissions=rows,
        repeats={"Submissions.anggota": members},
    )
    return rows, members


# --- KoboToolbox ----------------------------------------------------------------------


def test_kobo_pull_reads_every_page_and_imports_the_new_submissions(demo, server, form, records):
    records[1].survey.pop("notes", None)
    submissions = _kobo_project(server, records, form)
    submissions[2]["_attachments"] = [
        {"download_url": f"{server.url}/media/foto.jpg", "filename": "foto.jpg"}
    ]
    submissions[4]["_validation_status"] = NOT_APPROVED
    submissions[0]["_submitted_by"] = "pendamping.girisekar"
    pull = _pull(demo, _kobo(demo, server))

    assert pull.status == Pull.Status.HANDED_OVER
    assert (pull.fetched, pull.new, pull.already) == (5, 4, 0)
    assert pull.refused == {"Not Approved": 1}
    assert pull.attachments == 1
    job = pull.import_job
    assert job.status == ImportJob.Status.DONE, [e.get("reason") for e in job.errors]
    assert job.households_created == 4
    assert job.persons_created == sum(len(r.members) for r in records[:4])
    imported = set(Submission.objects.filter(import_job=job).values_list("uuid", flat=True))
    assert imported == {r.uuid for r in records[:4]}
    # Three pages of two (the server's page size), each asked with the token.
    pages = [s for s in server.replay.seen if s.path.endswith("/data/")]
    assert [s.query.get("start", ["0"])[0] for s in pages] == ["0", "2", "4"]
    assert all(s.headers.get("Authorization") == f"Token {TOKEN}" for s in server.replay.seen)
    # The enumerator is the user named by KoboToolbox, not the one who pulled.
    first = Household.objects.get(submissions__uuid=records[0].uuid)
    survey = HouseholdSurvey.objects.filter(household=first).latest("pk")
    assert survey.surveyed_by == demo.users["pendamping.girisekar"]
    assert survey.enumerator == "pendamping.girisekar"
    # The batch file is gone once imported.
    assert job.stored_file == ""


def test_a_second_pull_imports_only_what_is_new(demo, server, form, records):
    _kobo_project(server, records[:3], form)
    connection = _kobo(demo, server)
    assert _pull(demo, connection).import_job.households_created == 3
    _kobo_project(server, records, form)
    again = _pull(demo, connection)
    assert (again.fetched, again.new, again.already) == (5, 2, 3)
    assert again.import_job.households_created == 2
    third = _pull(demo, connection)
    assert third.status == Pull.Status.NOTHING_NEW and third.import_job is None
    assert Household.objects.filter(submissions__uuid__in=[r.uuid for r in records]).count() == 5


@pytest.mark.parametrize("root_uuid", [True, False], ids=["rootUuid", "older-kobo"])
def test_an_edited_kobo_submission_is_reported_not_duplicated(
    demo, server, form, records, root_uuid
):
    submissions = _kobo_project(server, records[:2], form)
    connection = _kobo(demo, server)
    _pull(demo, connection)
    # Edited on KoboToolbox: a new _uuid, the old one in meta/deprecatedID, the same _id.
    edited = copy.deepcopy(submissions[1])
    new_uuid = str(uuid.uuid4())
    edited.update(
        {
            "_uuid": new_uuid,
            "meta/instanceID": f"uuid:{new_uuid}",
            "meta/deprecatedID": f"uuid:{records[1].uuid}",
        }
    )
    if not root_uuid:
        for row in (submissions[0], edited):
            row.pop("meta/rootUuid")
    server.replay.kobo["submissions"] = [submissions[0], edited]
    pull = _pull(demo, connection)
    assert pull.status == Pull.Status.NOTHING_NEW
    assert (pull.new, pull.already, pull.edited) == (0, 1, 1)
    assert pull.edits == [{"id": records[1].uuid, "version": new_uuid}]
    assert (
        Household.objects.filter(organisation=demo.organisation, village_id=VILLAGE)
        .filter(submissions__uuid__in=[records[1].uuid, new_uuid])
        .count()
        == 1
    )
    # Reported once: the next pull knows the new version.
    assert _pull(demo, connection).edited == 0


def test_a_batch_with_one_bad_submission_imports_nothing(demo, server, form, records):
    submissions = _kobo_project(server, records, form)
    submissions[3]["anggota"][0]["anggota/nik"] = "34030612345"  # 11 digits
    pull = _pull(demo, _kobo(demo, server))
    job = pull.import_job
    assert job.status == ImportJob.Status.FAILED
    assert not Submission.objects.filter(uuid__in=[r.uuid for r in records]).exists()
    problem = next(p for p in job.errors if p["column"].endswith("nik"))
    # The pull's page says which submission the row is.
    assert pull.rows[problem["sheet"]][str(problem["row"])] == records[3].uuid
    # Nothing was remembered as imported: the next pull tries them all again.
    submissions[3]["anggota"][0]["anggota/nik"] = records[3].members[0].nik
    assert _pull(demo, pull.connection).import_job.households_created == 5


# --- ODK Central -------------------------------------------------------------------------


def test_odk_pull_reads_the_submissions_and_their_repeat(demo, server, form, records):
    _odk_form(
        server,
        records,
        form,
        **{"2": {"review": "rejected"}, "0": {"submitter": "pendamping.girisekar"}},
    )
    pull = _pull(demo, _odk(demo, server))
    job = pull.import_job
    assert job.status == ImportJob.Status.DONE, [e.get("reason") for e in job.errors]
    assert (pull.fetched, pull.new, pull.refused) == (5, 4, {"rejected": 1})
    assert job.persons_created == sum(len(r.members) for i, r in enumerate(records) if i != 2)
    paths = [(s.method, s.path, s.query.get("$skip", [""])[0]) for s in server.replay.seen]
    assert paths[0] == ("POST", "/v1/sessions", "")
    submissions = [p for p in paths if p[1].endswith("/Submissions")]
    members = [p for p in paths if p[1].endswith("/Submissions.anggota")]
    assert len(submissions) == 3  # by @odata.nextLink
    assert len(members) == -(-sum(len(r.members) for r in records) // 2)  # by $skip
    assert paths[-1][:2] == ("DELETE", "/v1/sessions/current")
    assert server.replay.odk["sessions"] == set()  # signed out
    first = Household.objects.get(submissions__uuid=records[0].uuid)
    survey = HouseholdSurvey.objects.filter(household=first).latest("pk")
    assert survey.surveyed_by == demo.users["pendamping.girisekar"]


def test_an_edited_odk_submission_is_reported(demo, server, form, records):
    rows, _members = _odk_form(server, records[:2], form)
    connection = _odk(demo, server)
    assert _pull(demo, connection).import_job.households_created == 2
    rows[0]["__system"]["updatedAt"] = "2025-07-01T10:00:00.000Z"
    rows[0]["__system"]["edits"] = 1
    pull = _pull(demo, connection)
    assert (pull.status, pull.edited, pull.already) == (Pull.Status.NOTHING_NEW, 1, 1)
    assert pull.edits[0]["id"] == records[0].uuid


# --- refusals, faults, no answer -------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [(401, "(401)"), (403, "(403)"), (404, "aBerdaya123")],
    ids=["wrong-token", "no-access", "wrong-asset"],
)
def test_kobo_refusals_fail_with_a_reason_and_import_nothing(
    demo, server, form, records, status, words
):
    _kobo_project(server, records, form)
    server.replay.fault("GET", "/api/v2/assets/", status)
    pull = _pull(demo, _kobo(demo, server))
    assert pull.status == Pull.Status.FAILED
    assert words in pull.error
    assert pull.import_job is None and not RemoteSubmission.objects.exists()


def test_odk_wrong_password_and_wrong_form(demo, server, form, records):
    _odk_form(server, records, form)
    wrong = _pull(demo, _odk(demo, server, secret="salah"))
    assert wrong.status == Pull.Status.FAILED and "(401)" in wrong.error
    missing = _pull(demo, _odk(demo, server, name="Central lain", form_id="bukan_ini"))
    assert missing.status == Pull.Status.FAILED and "bukan_ini" in missing.error


def test_too_many_requests_waits_as_told_then_goes_on(demo, server, form, records, waits):
    _kobo_project(server, records, form)
    server.replay.fault(
        "GET", "/api/v2/assets/aBerdaya123/data/", 429, headers={"Retry-After": "7"}, times=2
    )
    pull = _pull(demo, _kobo(demo, server))
    assert waits == [7.0, 7.0]
    assert pull.import_job.households_created == 5


def test_a_server_fault_half_way_imports_nothing(demo, server, form, records, waits):
    _kobo_project(server, records, form)
    # The second page keeps failing; the first was read.
    server.replay.kobo["page"] = 3
    original = server.replay.answer

    def answer(method, path, query, headers, body):
        if path.endswith("/data/") and query.get("start") == ["3"]:
            return 502, {}, {"detail": "Bad gateway"}
        return original(method, path, query, headers, body)

    server.replay.answer = answer
    pull = _pull(demo, _kobo(demo, server))
    assert pull.status == Pull.Status.FAILED and "502" in pull.error
    assert len(waits) == clients.ATTEMPTS - 1  # backed off between the attempts
    assert waits == sorted(waits)
    assert pull.import_job is None
    assert not Submission.objects.filter(uuid__in=[r.uuid for r in records]).exists()


def test_a_server_that_does_not_answer_in_time(demo, server, form, records, waits, monkeypatch):
    _kobo_project(server, records, form)
    monkeypatch.setattr(clients, "TIMEOUT", (2, 0.2))
    monkeypatch.setattr(clients, "ATTEMPTS", 2)
    server.replay.fault("GET", "/api/v2/assets/", 200, delay=0.6, times=2)
    pull = _pull(demo, _kobo(demo, server))
    assert pull.status == Pull.Status.FAILED
    assert "0.2" in pull.error
    assert pull.import_job is None


def test_a_next_link_to_another_server_is_not_followed(demo, server, form, records):
    submissions = _kobo_project(server, records, form)
    original = server.replay.answer

    def answer(method, path, query, headers, body):
        status, extra, page = original(method, path, query, headers, body)
        if path.endswith("/data/") and isinstance(page, dict) and page.get("next"):
            page["next"] = "https://elsewhere.example.org/api/v2/assets/x/data/?start=2"
        return status, extra, page

    server.replay.answer = answer
    pull = _pull(demo, _kobo(demo, server))
    assert pull.status == Pull.Status.FAILED and pull.import_job is None
    assert len(submissions) == 5


# --- secrets ---------------------------------------------------------------------------


def test_the_token_is_stored_encrypted_and_never_logged(demo, server, form, records, caplog):
    _kobo_project(server, records, form)
    connection = _kobo(demo, server)
    with db.cursor() as cursor:
        cursor.execute("SELECT secret FROM intake_serverconnection WHERE id = %s", [connection.pk])
        stored = cursor.fetchone()[0]
    assert TOKEN not in stored and stored
    assert ServerConnection.objects.get(pk=connection.pk).secret == TOKEN
    with caplog.at_level(logging.DEBUG):
        _pull(demo, connection)
        server.replay.fault("GET", "/api/v2/assets/", 401)
        _pull(demo, connection)
    assert TOKEN not in caplog.text
    # Saving without a new token keeps the old one.
    services.connection_save(
        user=demo.users["manajer"],
        programme=demo.programme,
        connection=connection,
        name="Kobo Girisekar",
        kind="kobo",
        village_code=VILLAGE,
        server_url=server.url,
        asset_uid="aBerdaya123",
        secret="",
        every_hours=24,
    )
    assert ServerConnection.objects.get(pk=connection.pk).secret == TOKEN


def test_the_password_never_reaches_a_log(demo, server, form, records, caplog):
    _odk_form(server, records, form)
    with caplog.at_level(logging.DEBUG):
        _pull(demo, _odk(demo, server))
    assert PASSWORD not in caplog.text and "session-1" not in caplog.text


def test_private_and_plain_http_servers_are_refused_unless_allowed(settings):
    settings.BERDAYA_INTAKE_PRIVATE_SERVERS = False
    for url in ("http://127.0.0.1:8080", "https://10.1.2.3", "ftp://kf.kobotoolbox.org", "kobo"):
        with pytest.raises(clients.ServerProblem):
            clients.server_base(url)
    settings.BERDAYA_INTAKE_PRIVATE_SERVERS = True
    assert clients.server_base("http://127.0.0.1:8080/#/forms/x") == "http://127.0.0.1:8080"


# --- who, and when ----------------------------------------------------------------------


def test_only_managers_connect_and_only_the_village_s_people_pull(demo, server):
    from berdaya.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.connection_save(
            user=demo.users["pendamping.girisekar"],
            programme=demo.programme,
            name="x",
            kind="kobo",
            village_code=VILLAGE,
            server_url=server.url,
            asset_uid="abc",
            secret=TOKEN,
        )
    connection = _kobo(demo, server)
    with pytest.raises(PermissionDenied):
        services.pull_request(user=demo.users["pendamping.sidoharjo"], connection=connection)
    services.pull_request(
        user=demo.users["pendamping.girisekar"], connection=connection, queue=False
    )


def test_one_pull_of_a_connection_at_a_time(demo, server):
    from berdaya.core.errors import ValidationFailed

    connection = _kobo(demo, server)
    services.pull_request(user=demo.users["manajer"], connection=connection, queue=False)
    with pytest.raises(ValidationFailed):
        services.pull_request(user=demo.users["manajer"], connection=connection, queue=False)


def test_scheduled_pulls_start_when_due(demo, server, form, records):
    import datetime

    from django.utils import timezone

    _kobo_project(server, records, form)
    connection = _kobo(demo, server, every_hours=24)
    _kobo(demo, server, name="Hanya tombol", every_hours=0)
    assert services.pulls_due() == [connection]
    started = services.pulls_schedule(queue=False)
    assert [p.connection for p in started] == [connection]
    assert started[0].trigger == Pull.Trigger.SCHEDULE
    assert started[0].requested_by == demo.users["manajer"]
    services.pull_run(started[0].pk)
    assert services.pulls_due() == []
    later = timezone.now() + datetime.timedelta(hours=25)
    assert services.pulls_due(now=later) == [connection]


def test_a_foreign_form_is_matched_once_and_the_next_pulls_reuse_it(
    demo, server, form, records, django_capture_on_commit_callbacks
):
    from berdaya.registry.services import import_job_fields, import_job_map_columns

    def renamed(rows):
        for row in rows:
            for member in row["anggota"]:
                member["anggota/nama_lengkap"] = member.pop("anggota/nama")
        return rows

    submissions = renamed(_kobo_project(server, records[:2], form))
    for row in server.replay.kobo["survey"]:  # the form's own question is named so too
        if row.get("$xpath") == "anggota/nama":
            row.update({"name": "nama_lengkap", "$xpath": "anggota/nama_lengkap"})
    connection = _kobo(demo, server)
    first = _pull(demo, connection)
    job = first.import_job
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    chosen = {field.key: field.suggested for field in import_job_fields(job)}
    chosen["name"] = "anggota/nama_lengkap"
    with django_capture_on_commit_callbacks(execute=True):
        import_job_map_columns(user=demo.users["manajer"], job=job, column_map=chosen)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, [e.get("reason") for e in job.errors]
    # New submissions on the server: the next pull uses the same matching by itself.
    more = renamed([kobo_submission(r, form, number=200 + i) for i, r in enumerate(records[2:])])
    server.replay.kobo["submissions"] = submissions + more
    second = _pull(demo, connection)
    assert second.new == 3
    assert second.import_job.status == ImportJob.Status.DONE, second.import_job.errors
    assert second.import_job.households_created == 3


def test_a_worker_that_dies_during_the_import_hands_it_to_the_registry(
    demo, server, form, records, monkeypatch
):
    from types import SimpleNamespace

    from berdaya.registry import tasks

    _kobo_project(server, records[:2], form)
    pull = services.pull_request(
        user=demo.users["manajer"], connection=_kobo(demo, server), queue=False
    )
    monkeypatch.setattr(services, "import_job_run", lambda job_id: None)  # the worker dies here
    pull = services.pull_run(pull.pk)
    job = pull.import_job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, attempts=1)
    enqueued = []
    monkeypatch.setattr(tasks, "import_job_task", SimpleNamespace(enqueue=enqueued.append))
    task = SimpleNamespace(args_kwargs={"args": [pull.pk]})
    assert services.pull_recover(task, requeue=True) is False  # the pull itself is done
    assert enqueued == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.WAITING
