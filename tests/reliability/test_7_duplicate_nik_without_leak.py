"""Finding 7: a facilitator who entered another village's NIK was told "NIK ini sudah
terdaftar di rumah tangga lain" (pages and imports), confirming that the person exists
elsewhere. Now they are asked to check the number, and a manager who sees both villages
gets a duplicate signal to review."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.importers.samples import synthetic_households, template_rows
from berdaya.registry.models import Household, ImportJob, Person
from berdaya.registry.records import MemberRecord
from berdaya.registry.services import InvalidRecords, household_register
from berdaya.registry.xlsform import form_build

LEAK_ID = "sudah terdaftar"
LEAK_EN = "already registered"


def _someone_in(village: str) -> Person:
    return (
        Person.objects.filter(household__village_id=village)
        .exclude(nik_hash="")
        .select_related("household")
        .first()
    )


def _signals():
    from berdaya.registry.models import DuplicateNikSignal

    return DuplicateNikSignal.objects


def test_registering_another_villages_nik_does_not_say_it_exists(demo):
    elsewhere = _someone_in(SIDOHARJO)
    member = MemberRecord(
        name="Tamu Baru",
        sex=elsewhere.sex,
        relation="head",
        birth_date=elsewhere.birth_date,
        nik=elsewhere.nik,
    )
    with translation.override("id"), pytest.raises(InvalidRecords) as refused:
        household_register(
            organisation=demo.organisation,
            village=demo.villages[GIRISEKAR],
            members=[member],
            user=demo.users["pendamping.girisekar"],
        )
    reasons = " ".join(p.reason for p in refused.value.problems)
    assert LEAK_ID not in reasons and "NIK" in reasons
    signal = _signals().get()
    assert signal.existing_person_id == elsewhere.pk
    assert signal.attempted_village_id == GIRISEKAR
    assert Household.objects.filter(members__name="Tamu Baru").count() == 0


def test_an_import_with_another_villages_nik_is_refused_neutrally(demo, upload, login):
    elsewhere = _someone_in(SIDOHARJO)
    records = synthetic_households(1, village_code=GIRISEKAR, seed=7)
    records[0].members[0].nik = elsewhere.nik
    records[0].members[0].birth_date = elsewhere.birth_date
    records[0].members[0].sex = elsewhere.sex
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows(records, form_build()))
    with translation.override("id"):
        job = upload(buffer.getvalue().encode(), "dobel.csv")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    reasons = " ".join(p["reason"] for p in job.errors)
    assert LEAK_ID not in reasons and LEAK_EN not in reasons
    page = login("pendamping.girisekar").get(reverse("registry:import-detail", args=[job.pk]))
    assert LEAK_ID not in page.content.decode()
    assert _signals().filter(import_job_id=job.pk, existing_person=elsewhere).exists()
    # The manager sees both villages and gets the signal to review; the facilitator does not.
    manager_page = login("manajer").get(reverse("registry:import-list")).content.decode()
    assert 'data-testid="duplicate-niks"' in manager_page
    assert elsewhere.name in manager_page
    own_page = login("pendamping.girisekar").get(reverse("registry:import-list"))
    assert 'data-testid="duplicate-niks"' not in own_page.content.decode()


def test_a_duplicate_in_a_village_the_user_sees_is_named_plainly(demo):
    here = _someone_in(GIRISEKAR)
    member = MemberRecord(
        name="Orang Sama", sex=here.sex, relation="head", birth_date=here.birth_date, nik=here.nik
    )
    with translation.override("en"), pytest.raises(InvalidRecords) as refused:
        household_register(
            organisation=demo.organisation,
            village=demo.villages[GIRISEKAR],
            members=[member],
            user=demo.users["pendamping.girisekar"],
        )
    assert LEAK_EN in refused.value.problems[0].reason
