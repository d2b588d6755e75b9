"""The import service around the importers: consent, programme questions, the encrypted
upload, running once, and closing jobs left unfinished (with the fake importer where the
file does not matter)."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from berdaya.core.errors import ValidationFailed
from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers import IMPORTERS, FakeImporter
from berdaya.registry.importers.samples import kobo_xlsx, synthetic_households
from berdaya.registry.models import (
    Consent,
    CustomQuestion,
    Household,
    HouseholdSurvey,
    ImportJob,
    Submission,
)
from berdaya.registry.services import (
    custom_question_add,
    import_job_create,
    import_job_run,
    import_jobs_expire,
)
from berdaya.registry.services.imports import decrypt_bytes, encrypt_bytes
from berdaya.registry.xlsform import form_build

pytestmark = pytest.mark.usefixtures("english")


def _create(demo, content=b"ignored by the fake importer", name="data.csv", source="template"):
    return import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=source,
        uploaded_file=SimpleUploadedFile(name, content),
    )


@pytest.fixture
def fake(monkeypatch):
    def install(records, **options):
        importer = FakeImporter(records, **options)
        monkeypatch.setitem(IMPORTERS, "template", importer)
        return importer

    return install


def test_every_household_points_to_its_survey_and_nothing_runs_twice(demo, fake):
    records = synthetic_households(5, village_code=GIRISEKAR, seed=1)
    importer = fake(records)
    job = import_job_run(_create(demo).pk)
    assert job.status == ImportJob.Status.DONE
    households = Household.objects.filter(submissions__import_job=job)
    assert households.count() == 5
    for household in households:
        assert household.latest_survey == HouseholdSurvey.objects.get(household=household)
    assert import_job_run(job.pk).status == ImportJob.Status.DONE
    assert len(importer.calls) == 1


def test_a_household_that_refused_consent_is_left_out_and_said_so(demo, fake):
    records = synthetic_households(3, village_code=GIRISEKAR, seed=2)
    records[1] = replace(records[1], consent=False)
    records[2] = replace(records[2], consent=None)
    fake(records)
    job = import_job_run(_create(demo).pk)
    assert job.status == ImportJob.Status.DONE
    assert job.households_created == 2
    assert not Submission.objects.filter(uuid=records[1].uuid).exists()
    unasked = Submission.objects.get(uuid=records[2].uuid).household
    assert not Consent.objects.filter(household=unasked).exists()
    reasons = [w["reason"] for w in job.warnings]
    assert "The household did not agree to be recorded, so it is not imported." in reasons


def test_programme_questions_are_imported_into_the_survey(demo):
    custom_question_add(
        programme=demo.programme,
        name="kandang",
        kind=CustomQuestion.Kind.SELECT_ONE,
        label_id="Jenis kandang",
        choices=[
            {"code": "panggung", "label_id": "Panggung"},
            {"code": "tanah", "label_id": "Tanah"},
        ],
    )
    custom_question_add(
        programme=demo.programme, name="bibit", kind="integer", label_id="Bibit diterima"
    )
    form = form_build(
        organisation_id=demo.organisation.pk,
        custom_questions=demo.programme.custom_questions.all(),
    )
    records = synthetic_households(4, village_code=GIRISEKAR, seed=3)
    records[0].extra = {"kandang": "panggung", "bibit": 2}
    records[1].extra = {"kandang": "tanah"}
    job = import_job_run(_create(demo, kobo_xlsx(records, form), "x.xlsx", "kobo").pk)
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    survey = Submission.objects.get(uuid=records[0].uuid).household.latest_survey
    assert survey.extra == {"kandang": "panggung", "bibit": 2}

    records = synthetic_households(2, village_code=GIRISEKAR, seed=4)
    records[0].extra = {"kandang": "beton"}
    job = import_job_run(_create(demo, kobo_xlsx(records, form), "y.xlsx", "kobo").pk)
    assert job.status == ImportJob.Status.FAILED
    assert [(e["column"], e["value"]) for e in job.errors] == [("tambahan/kandang", "beton")]


def test_the_upload_is_kept_encrypted_with_the_field_keys_and_survives_a_key_rotation(
    demo, media, settings
):
    job = _create(demo, b"nik\n3403061203800901\n")
    stored = (media / job.stored_file).read_bytes()
    assert b"3403061203800901" not in stored
    assert decrypt_bytes(stored) == b"nik\n3403061203800901\n"
    settings.BERDAYA_FIELD_KEYS = [Fernet.generate_key().decode(), *settings.BERDAYA_FIELD_KEYS]
    assert decrypt_bytes(stored) == b"nik\n3403061203800901\n"
    assert decrypt_bytes(encrypt_bytes(b"x")) == b"x"


def test_imports_left_unfinished_are_closed_and_their_files_deleted(demo, media, fake):
    fake([], mapping_needed=True)
    job = import_job_run(_create(demo).pk)
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    path = media / job.stored_file
    assert path.exists()
    assert import_jobs_expire() == 0
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert import_jobs_expire() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not path.exists() and job.stored_file == ""


def test_the_problems_kept_are_capped_with_a_count_of_the_rest(demo, fake, settings):
    from berdaya.registry.records import Problem

    many = [Problem(row, "data.csv", "nik", "", "wrong") for row in range(2, 1503)]
    fake([], errors=many)
    job = import_job_run(_create(demo).pk)
    assert len(job.errors) == 1001
    assert job.errors[-1]["reason"].startswith("501 more are not shown")


def test_an_unknown_source_is_refused(demo):
    with pytest.raises(ValidationFailed):
        _create(demo, source="excel")


def test_a_large_import_prepares_its_rows_in_worker_processes(demo, monkeypatch):
    """The same result when rows are prepared in forked workers, chunk after chunk."""
    from berdaya.registry.importers import bulk

    monkeypatch.setattr(bulk, "PARALLEL_FROM", 1)
    monkeypatch.setattr(bulk, "CHUNK", 7)
    records = synthetic_households(30, village_code=GIRISEKAR, seed=9)
    job = import_job_run(_create(demo, kobo_xlsx(records, form_build()), "x.xlsx", "kobo").pk)
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert (job.households_created, job.persons_created) == (
        30,
        sum(len(r.members) for r in records),
    )
    for record in records:
        household = Submission.objects.get(uuid=record.uuid).household
        assert household.latest_survey.household_id == household.pk
        assert sorted(household.members.values_list("nik", flat=True)) == sorted(
            m.nik for m in record.members
        )
        assert household.consents.get().given_by.relation == "head"
