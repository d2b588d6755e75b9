"""The intake pages: managers connect, the village's people pull, nobody sees the token."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from berdaya.intake.models import Pull, ServerConnection
from berdaya.registry.importers.samples import synthetic_households
from berdaya.registry.xlsform import form_build

from .replay import ReplayServer, kobo_submission, kobo_survey
from .test_pull import TOKEN, VILLAGE


@pytest.fixture
def server(demo):
    form = form_build(organisation_id=demo.organisation.pk, custom_questions=[])
    records = synthetic_households(3, village_code=VILLAGE, seed=7)
    with ReplayServer() as running:
        running.replay.kobo_project(
            uid="aViews",
            token=TOKEN,
            submissions=[kobo_submission(r, form, number=i) for i, r in enumerate(records)],
            survey=kobo_survey(form),
        )
        yield running


def _fields(server, **changes):
    return {
        "name": "Kobo Girisekar",
        "kind": "kobo",
        "village": VILLAGE,
        "server_url": server.url,
        "asset_uid": "aViews",
        "secret": TOKEN,
        "every_hours": "0",
        **changes,
    }


def _client(client, demo, username):
    from berdaya.accounts.testing import signed_in

    return signed_in(client, demo.users[username])


def test_a_manager_connects_and_the_token_is_never_shown_again(client, demo, server):
    manager = _client(client, demo, "manajer")
    url = reverse("intake:programme", kwargs={"programme_id": demo.programme.pk})
    response = manager.post(url, _fields(server))
    connection = ServerConnection.objects.get(name="Kobo Girisekar")
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:connection", args=[connection.pk])
    page = manager.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200 and TOKEN not in text
    assert 'data-testid="secret-state"' in text
    # Saving again without typing the token keeps it.
    response = manager.post(response["Location"], _fields(server, secret="", every_hours="24"))
    assert response.status_code == 302
    connection.refresh_from_db()
    assert (connection.secret, connection.every_hours) == (TOKEN, 24)


def test_a_wrong_address_is_refused_on_the_form(client, demo, server, settings):
    settings.BERDAYA_INTAKE_PRIVATE_SERVERS = False
    manager = _client(client, demo, "manajer")
    url = reverse("intake:programme", kwargs={"programme_id": demo.programme.pk})
    response = manager.post(url, _fields(server))
    assert response.status_code == 422
    assert not ServerConnection.objects.exists()


def test_a_facilitator_pulls_but_does_not_connect(
    client, demo, server, django_capture_on_commit_callbacks
):
    manager = _client(client, demo, "manajer")
    manager.post(
        reverse("intake:programme", kwargs={"programme_id": demo.programme.pk}), _fields(server)
    )
    connection = ServerConnection.objects.get()
    facilitator = _client(client, demo, "pendamping.girisekar")
    page = facilitator.get(reverse("intake:connection", args=[connection.pk]))
    assert page.status_code == 200 and 'data-testid="connection-form"' not in page.content.decode()
    refused = facilitator.post(
        reverse("intake:programme", kwargs={"programme_id": demo.programme.pk}),
        _fields(server, name="Lain"),
    )
    assert refused.status_code == 403
    # An empty post is not a press of the button.
    empty = facilitator.post(reverse("intake:connection-pull", args=[connection.pk]), {})
    assert empty.status_code == 302 and not Pull.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(
            reverse("intake:connection-pull", args=[connection.pk]), {"confirm": "on"}
        )
    pull = Pull.objects.get()
    assert response["Location"] == reverse("intake:pull", args=[pull.pk])
    assert (
        pull.status == Pull.Status.HANDED_OVER
        and pull.requested_by == demo.users["pendamping.girisekar"]
    )
    assert pull.import_job.households_created == 3
    status = facilitator.get(reverse("intake:pull-status", args=[pull.pk]))
    assert 'data-testid="pull-counts"' in status.content.decode()
    assert "hx-get" not in status.content.decode()  # finished: no more polling
    # The import is an import like any other: its page and the list show it.
    job_page = facilitator.get(reverse("registry:import-detail", args=[pull.import_job_id]))
    assert job_page.status_code == 200 and 'data-testid="import-done"' in job_page.content.decode()
    assert facilitator.get(reverse("registry:import-list")).status_code == 200
    # Who works in another village gets 404.
    other = _client(client, demo, "pendamping.sidoharjo")
    assert other.get(reverse("intake:pull", args=[pull.pk])).status_code == 404


def test_a_manager_deletes_a_connection(client, demo, server):
    manager = _client(client, demo, "manajer")
    manager.post(
        reverse("intake:programme", kwargs={"programme_id": demo.programme.pk}), _fields(server)
    )
    connection = ServerConnection.objects.get()
    response = manager.post(
        reverse("intake:connection-delete", args=[connection.pk]), {"confirm": "on"}
    )
    assert response.status_code == 302 and not ServerConnection.objects.exists()


def test_the_command_pulls_one_connection_and_reports(demo, server, capsys):
    from berdaya.intake.services import connection_save

    connection = connection_save(
        user=demo.users["manajer"],
        programme=demo.programme,
        name="Kobo CLI",
        kind="kobo",
        village_code=VILLAGE,
        server_url=server.url,
        asset_uid="aViews",
        secret=TOKEN,
    )
    call_command("pull_submissions", connection=connection.pk)
    out = capsys.readouterr().out
    assert "3" in out and TOKEN not in out
    assert Pull.objects.get().import_job.households_created == 3
    call_command("pull_submissions")  # nothing is on a schedule
    assert Pull.objects.count() == 1
