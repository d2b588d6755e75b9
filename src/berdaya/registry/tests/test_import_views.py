"""The import pages: upload, progress that polls while the job runs, the report, matching
columns, downloads, and who may import where."""

from __future__ import annotations

import csv
import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.importers.samples import (
    synthetic_households,
    template_filled_csv,
    template_rows,
)
from berdaya.registry.models import Household, ImportJob, Person
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.xlsform import form_build

pytestmark = pytest.mark.usefixtures("english")

FACILITATOR = "pendamping.girisekar"


@pytest.fixture
def login(login, settings):
    """Clients that asked for English pages (the language switch's cookie)."""

    def english_client(username):
        client = login(username)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return english_client


@pytest.fixture
def households():
    return synthetic_households(8, village_code=GIRISEKAR, seed=3)


def _target(demo, code: str) -> str:
    return f"{demo.organisation.pk}:{code}"


def _upload(client, demo, content: bytes, *, code=GIRISEKAR, name="data.csv", source="template"):
    return client.post(
        reverse("registry:import-new"),
        {
            "source": source,
            "target": _target(demo, code),
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_an_upload_runs_in_the_background_and_the_job_page_shows_the_result(
    demo, login, households, django_capture_on_commit_callbacks
):
    client = login(FACILITATOR)
    before = Household.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, demo, template_filled_csv(households, form_build()))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:import-detail", args=[job.pk])

    page = client.get(response["Location"])

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="done"' in html
    assert 'data-testid="import-done"' in html
    assert 'hx-trigger="every 2s"' not in html  # finished: nothing left to poll
    assert Household.objects.count() == before + 8
    assert job.filename in client.get(reverse("registry:import-list")).content.decode()


def test_while_the_job_waits_the_page_polls_every_two_seconds_until_it_ends(
    demo, login, households
):
    # Created but not yet run: the worker has not picked it up.
    job = import_job_create(
        user=demo.users[FACILITATOR],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source="template",
        uploaded_file=SimpleUploadedFile("data.csv", template_filled_csv(households, form_build())),
    )
    client = login(FACILITATOR)
    status_url = reverse("registry:import-status", args=[job.pk])

    page = client.get(reverse("registry:import-detail", args=[job.pk])).content.decode()

    assert f'hx-get="{status_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "<progress" in page
    assert "You can leave this page" in page

    import_job_run(job.pk)
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<section")
    assert 'data-status="done"' in fragment
    assert 'hx-trigger="every 2s"' not in fragment


def test_a_failed_import_shows_every_problem_with_row_and_column(demo, login, households):
    rows = template_rows(households, form_build())
    rows[5][rows[0].index("tanggal_lahir")] = "2020-02-30"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    client = login(FACILITATOR)
    response = _upload(client, demo, buffer.getvalue().encode(), name="girisekar.csv")
    job = ImportJob.objects.get()
    import_job_run(job.pk)

    html = client.get(response["Location"]).content.decode()

    assert 'data-testid="import-failed"' in html
    # One card per problem: where (the file's one table is not named again), the value,
    # what is wrong and how to fix it.
    assert "Row 6 · column tanggal_lahir" in html
    assert "<code>2020-02-30</code>" in html
    assert "YYYY-MM-DD (2026-08-17)" in html
    assert "sheet girisekar.csv" not in html


def test_a_facilitator_cannot_import_into_a_village_not_assigned_to_them(demo, login, households):
    client = login(FACILITATOR)
    before = (Household.objects.count(), Person.objects.count())
    content = template_filled_csv(synthetic_households(3, village_code=SIDOHARJO), form_build())

    response = _upload(client, demo, content, code=SIDOHARJO)

    assert response.status_code == 422
    html = response.content.decode()
    assert "You cannot import into Sidoharjo (34.03.07.2003): it is not one of your villages." in (
        html.replace("&#x27;", "'")
    )
    assert not ImportJob.objects.exists()
    assert (Household.objects.count(), Person.objects.count()) == before
    # The form offers only the facilitator's own village.
    page = client.get(reverse("registry:import-new")).content.decode()
    assert _target(demo, GIRISEKAR) in page
    assert _target(demo, SIDOHARJO) not in page


def test_a_viewer_may_not_import(demo, login):
    response = login("pemantau").get(reverse("registry:import-new"))
    assert response.status_code == 403
    assert "facilitators and managers" in response.content.decode()


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read(
    demo, login, households, settings
):
    settings.BERDAYA_MAX_UPLOAD_BYTES = 1024
    response = _upload(login(FACILITATOR), demo, b"x" * 200_000)
    assert response.status_code == 413
    assert "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_job_of_another_village_is_not_found(demo, login, households):
    job = import_job_create(
        user=demo.users["manajer"],
        organisation=demo.organisation,
        village=demo.villages[SIDOHARJO],
        source="template",
        uploaded_file=SimpleUploadedFile(
            "sidoharjo.csv",
            template_filled_csv(synthetic_households(2, village_code=SIDOHARJO), form_build()),
        ),
    )
    client = login(FACILITATOR)
    assert client.get(reverse("registry:import-detail", args=[job.pk])).status_code == 404
    assert "sidoharjo.csv" not in client.get(reverse("registry:import-list")).content.decode()
    assert "sidoharjo.csv" in login("manajer").get(reverse("registry:import-list")).content.decode()


def test_matching_columns_on_the_page_then_importing(demo, login, households):
    rows = template_rows(households, form_build())
    rows[0][rows[0].index("nama")] = "Nama Lengkap"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    client = login(FACILITATOR)
    response = _upload(client, demo, buffer.getvalue().encode())
    job = import_job_run(ImportJob.objects.get().pk)
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    assert 'data-testid="import-columns"' in client.get(response["Location"]).content.decode()
    columns_url = reverse("registry:import-columns", args=[job.pk])

    page = client.get(columns_url).content.decode()

    assert '<select id="column-name" name="column-name">' in page
    assert '<option value="Nama Lengkap">Nama Lengkap</option>' in page
    assert '<option value="nik" selected>nik</option>' in page
    refused = client.post(columns_url, {"column-nik": "nik"})
    assert refused.status_code == 422
    chosen = {**_suggested(page), "column-name": "Nama Lengkap"}
    assert client.post(columns_url, chosen).status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.WAITING
    assert import_job_run(job.pk).status == ImportJob.Status.DONE


def _suggested(page: str) -> dict[str, str]:
    """The selections the page proposes, as a browser would submit them."""
    import re

    chosen = {}
    for select in re.finditer(r'<select id="(column-[\w.]+)".*?</select>', page, re.S):
        picked = re.search(r'<option value="([^"]*)" selected>', select.group(0))
        chosen[select.group(1)] = picked.group(1) if picked else ""
    return chosen


def test_downloads_the_xlsform_and_the_templates(demo, login):
    client = login(FACILITATOR)
    form = client.get(reverse("registry:import-xlsform"))
    assert form["Content-Disposition"] == 'attachment; filename="berdaya-pemetaan.xlsx"'
    assert load_workbook(io.BytesIO(form.content)).sheetnames == ["survey", "choices", "settings"]
    programme_form = client.get(
        reverse("registry:import-xlsform"), {"programme": demo.programme.pk}
    )
    survey = load_workbook(io.BytesIO(programme_form.content))["survey"]
    assert "select_one desa" in [row[0] for row in survey.iter_rows(values_only=True)]
    assert client.get(reverse("registry:import-xlsform"), {"programme": 99999}).status_code == 404
    template = client.get(reverse("registry:import-template-csv"))
    assert template["Content-Type"] == "text/csv"
    assert template.content.decode("utf-8-sig").startswith("id_rumah_tangga,")
    xlsx = client.get(reverse("registry:import-template-xlsx"))
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["data", "petunjuk", "daftar"]


def test_no_nik_reaches_the_log_or_the_stored_upload(demo, households, media, caplog):
    niks = [m.nik for h in households for m in h.members if m.nik]
    rows = template_rows(households, form_build())
    rows[2][rows[0].index("nik")] = rows[1][rows[0].index("nik")]  # a duplicate: a failed job
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    caplog.set_level(logging.DEBUG)
    for content in (buffer.getvalue().encode(), template_filled_csv(households, form_build())):
        job = import_job_create(
            user=demo.users[FACILITATOR],
            organisation=demo.organisation,
            village=demo.villages[GIRISEKAR],
            source="template",
            uploaded_file=SimpleUploadedFile("data.csv", content),
        )
        stored = (media / job.stored_file).read_bytes()
        assert not any(nik.encode() in stored for nik in niks)
        import_job_run(job.pk)
    assert ImportJob.objects.filter(status="failed").count() == 1
    assert ImportJob.objects.filter(status="done").count() == 1
    logged = caplog.text + " ".join(
        str(e["value"]) for j in ImportJob.objects.all() for e in j.errors
    )
    assert "Import" in caplog.text
    assert not any(nik in logged for nik in niks)


def test_an_unexpected_fault_fails_the_job_without_quoting_the_file(
    demo, households, caplog, monkeypatch
):
    from berdaya.registry.importers import IMPORTERS

    nik = households[0].members[0].nik

    class Broken:
        def parse(self, *args, **kwargs):
            raise ValueError(f"invalid literal for int() with base 10: '{nik}'")

    monkeypatch.setitem(IMPORTERS, "template", Broken())
    job = import_job_create(
        user=demo.users[FACILITATOR],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source="template",
        uploaded_file=SimpleUploadedFile("data.csv", b"nik\n" + nik.encode()),
    )
    job = import_job_run(job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert "fault in Berdaya" in job.errors[0]["reason"]
    assert "ValueError" in caplog.text
    assert nik not in caplog.text
    assert job.stored_file == ""


# --- the isolation walk, with `import_id` registered as the lead will ---------------------


def test_import_pages_pass_the_isolation_walk(demo, monkeypatch):
    """The walk of tests/isolation.py over the import pages only (other apps' keywords are
    registered there with objects this test does not make)."""
    from tests import isolation

    def job(user, code):
        return import_job_create(
            user=demo.users[user],
            organisation=demo.organisation,
            village=demo.villages[code],
            source="template",
            uploaded_file=SimpleUploadedFile(
                "x.csv",
                template_filled_csv(synthetic_households(1, village_code=code), form_build()),
            ),
        )

    # An import of the facilitator's village A, and one of village B by the manager.
    job_a, job_b = job(FACILITATOR, GIRISEKAR), job("manajer", SIDOHARJO)
    every_route = isolation.routes
    import_routes = [r for r in every_route() if r.name.startswith("registry:import")]
    assert {r.name for r in import_routes} >= {
        "registry:import-list",
        "registry:import-new",
        "registry:import-detail",
        "registry:import-status",
        "registry:import-columns",
        "registry:import-xlsform",
    }
    monkeypatch.setattr(isolation, "routes", lambda resolver=None: iter(import_routes))
    monkeypatch.setitem(isolation.OBJECT_KWARGS, "import_id", lambda objects: objects["import_id"])
    world = isolation.World(
        facilitator=demo.users[FACILITATOR],
        objects_a={"import_id": str(job_a.pk)},
        objects_b={"import_id": str(job_b.pk)},
    )
    assert isolation.check_routes(world) == []


def test_a_file_that_is_not_a_survey_export_is_refused_in_words(demo, login):
    client = login(FACILITATOR)
    response = _upload(client, demo, b"hello;world\n1;2\n", name="junk.csv")
    job = ImportJob.objects.get()
    import_job_run(job.pk)
    job.refresh_from_db()

    assert job.status == ImportJob.Status.FAILED  # not the page to match 46 columns
    html = client.get(response["Location"]).content.decode()
    assert "not a survey export Berdaya knows" in html


def test_a_damaged_xlsx_is_called_damaged_not_the_wrong_kind(demo, login):
    client = login(FACILITATOR)
    response = _upload(client, demo, b"this is not a zip file", name="data.xlsx")
    assert response.status_code == 422
    assert "it may be damaged" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_result_links_to_the_imported_households(demo, login, households):
    rows = template_rows(households[:2], form_build())
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    client = login(FACILITATOR)
    response = _upload(client, demo, buffer.getvalue().encode(), name="dua.csv")
    job = ImportJob.objects.get()
    import_job_run(job.pk)

    html = client.get(response["Location"]).content.decode()

    imported = Household.objects.filter(submissions__import_job=job)
    assert imported.count() == 2
    for household in imported:
        assert f"/registri/rumah-tangga/{household.pk}/" in html
    assert 'data-testid="imported-link"' in html
