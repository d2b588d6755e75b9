"""Submissions a reviewer refused stay out, and the enumerator the server names is kept.

KoboToolbox lets a reviewer set a submission's validation status (Approved, Not Approved,
On Hold; written in an export as the label or as `validation_status_not_approved`) and
names who submitted it in `_submitted_by`; ODK Central has `ReviewState` (blank, hasIssues,
edited, approved, rejected) and `SubmitterName`. A refused submission is not imported by
default, with its members; the report says how many were left out and why.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.linked import review_key
from berdaya.registry.importers.samples import kobo_xlsx, odk_zip, synthetic_households
from berdaya.registry.models import HouseholdSurvey, ImportJob, Person
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.xlsform import form_build

pytestmark = pytest.mark.usefixtures("english")

HOUSEHOLDS = 12


@pytest.fixture(scope="module")
def households():
    return synthetic_households(HOUSEHOLDS, village_code=GIRISEKAR, seed=77)


def _import(demo, source, data, name, *, include_rejected=False) -> ImportJob:
    job = import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=source,
        uploaded_file=SimpleUploadedFile(name, data),
        include_rejected=include_rejected,
    )
    return import_job_run(job.pk)


def _imported_members(records) -> int:
    return Person.objects.filter(household__submissions__uuid__in=[r.uuid for r in records]).count()


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Not Approved", "not approved"),
        ("validation_status_not_approved", "not approved"),
        ("not_approved", "not approved"),
        ("rejected", "rejected"),
        ("  Approved ", "approved"),
        (None, ""),
    ],
)
def test_review_statuses_are_read_however_the_export_spells_them(written, key):
    assert review_key(written) == key


@pytest.mark.parametrize("status", ["Not Approved", "validation_status_not_approved"])
def test_kobo_not_approved_submissions_are_left_out_with_their_members(demo, households, status):
    refused = {households[1].uuid, households[4].uuid}
    data = kobo_xlsx(
        households,
        form_build(),
        review=lambda r: status if r.uuid in refused else "Approved",
    )
    job = _import(demo, ImportJob.Source.KOBO, data, "kobo.xlsx")

    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.households_created == HOUSEHOLDS - 2
    kept = [r for r in households if r.uuid not in refused]
    assert job.persons_created == sum(len(r.members) for r in kept)
    left_out = [r for r in households if r.uuid in refused]
    assert _imported_members(left_out) == 0
    (warning,) = [w for w in job.warnings if "left out" in w["reason"]]
    assert warning["reason"].startswith("2 submissions were left out")
    assert status in warning["reason"]
    assert warning["column"] == "_validation_status"


def test_refused_submissions_are_imported_when_asked(demo, households):
    data = kobo_xlsx(households, form_build(), review=lambda r: "Not Approved")
    job = _import(demo, ImportJob.Source.KOBO, data, "kobo.xlsx", include_rejected=True)

    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.households_created == HOUSEHOLDS
    assert not [w for w in job.warnings if "left out" in w["reason"]]


def test_odk_rejected_submissions_are_left_out_and_has_issues_kept(demo, households):
    states = {households[0].uuid: "rejected", households[2].uuid: "hasIssues"}
    data = odk_zip(households, form_build(), review=lambda r: states.get(r.uuid))
    job = _import(demo, ImportJob.Source.ODK, data, "odk.zip")

    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.households_created == HOUSEHOLDS - 1
    assert _imported_members([households[0]]) == 0
    assert _imported_members([households[2]]) == len(households[2].members)
    (warning,) = [w for w in job.warnings if "left out" in w["reason"]]
    assert warning["reason"].startswith("1 submission was left out")
    assert warning["column"] == "ReviewState"


def test_everything_refused_says_so_instead_of_importing_nothing_silently(demo, households):
    data = odk_zip(households, form_build(), review=lambda r: "rejected")
    job = _import(demo, ImportJob.Source.ODK, data, "odk.zip")

    assert job.households_created == 0
    assert any(f"{HOUSEHOLDS} submissions were left out" in w["reason"] for w in job.warnings)


@pytest.mark.parametrize("source", [ImportJob.Source.KOBO, ImportJob.Source.ODK])
def test_the_enumerator_named_by_the_server_is_kept(demo, households, source):
    # One submission by a user Berdaya knows (any case), one by someone it does not,
    # one with no name: only that one is credited to the person importing.
    names = {
        households[0].uuid: "Pendamping.Girisekar",
        households[1].uuid: "enumerator-dusun-3",
    }
    write = kobo_xlsx if source == ImportJob.Source.KOBO else odk_zip
    data = write(households, form_build(), submitter=lambda r: names.get(r.uuid))
    job = _import(demo, source, data, "export.xlsx" if source == "kobo" else "export.zip")
    assert job.status == ImportJob.Status.DONE, job.errors

    def survey(record):
        return HouseholdSurvey.objects.get(household__submissions__uuid=record.uuid)

    facilitator = demo.users["pendamping.girisekar"]
    known, unknown, unnamed = survey(households[0]), survey(households[1]), survey(households[2])
    assert (known.surveyed_by, known.enumerator) == (facilitator, "Pendamping.Girisekar")
    assert (unknown.surveyed_by, unknown.enumerator) == (None, "enumerator-dusun-3")
    assert (unnamed.surveyed_by, unnamed.enumerator) == (facilitator, "")
