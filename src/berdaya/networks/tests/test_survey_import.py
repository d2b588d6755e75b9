"""The XLSForm's network questions round-trip: the programme's form lists the village's
people, a KoboToolbox or ODK Central export of it imports, and the answers are survey ties
dated by the survey — picked people by their registry id, written names matched to the one
person of the village with that name or kept to match later."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.models import PersonalDataAccess
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.networks.models import NetworkFigures, Tie
from berdaya.registry.importers.samples import kobo_xlsx, odk_zip, synthetic_households
from berdaya.registry.models import Household, ImportJob, Person
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.xlsform import PEOPLE_LIST, form_for_programme

pytestmark = pytest.mark.usefixtures("english")


def _import(demo, data: bytes, source: str, name: str) -> ImportJob:
    job = import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=source,
        uploaded_file=SimpleUploadedFile(name, data),
    )
    return import_job_run(job.pk)


def _registered(demo, code: str) -> list[Person]:
    return list(
        Person.objects.filter(
            organisation=demo.organisation, household__village_id=code, status="present"
        ).order_by("pk")[:2]
    )


def _answered(demo, *, seed: int):
    """Three households; their heads name a registered person (picked from the list),
    a new member of this file by name, and someone not in the registry."""
    known = _registered(demo, GIRISEKAR)
    records = synthetic_households(3, village_code=GIRISEKAR, seed=seed)
    newcomer = records[2].members[1].name  # the spouse of the third household
    for record in records[:2]:
        record.members[0] = replace(
            record.members[0],
            network={
                "advice_from": [str(known[0].pk)],
                "advice_from_names": f"{newcomer}, Mbah Karto",
                "opinion_matters": [str(known[1].pk)],
            },
        )
    return records, known, newcomer


@pytest.mark.parametrize("source", [ImportJob.Source.KOBO, ImportJob.Source.ODK])
def test_network_answers_of_the_programmes_form_import_as_survey_ties(
    demo, source, django_capture_on_commit_callbacks
):
    form = form_for_programme(demo.programme, user=demo.users["manajer"])
    people = form.lists[PEOPLE_LIST]
    records, known, newcomer = _answered(demo, seed=7 if source == "kobo" else 8)
    assert {str(known[0].pk), str(known[1].pk)} <= {c.name for c in people}
    assert {c.village for c in people if c.name == str(known[0].pk)} == {GIRISEKAR}
    if source == ImportJob.Source.KOBO:
        data, name = kobo_xlsx(records, form), "girisekar.xlsx"
    else:
        data, name = odk_zip(records, form), "girisekar.zip"
    before = Tie.objects.filter(source=Tie.Source.SURVEY).count()

    with django_capture_on_commit_callbacks(execute=True):
        job = _import(demo, data, source, name)

    assert job.status == ImportJob.Status.DONE, job.errors
    ties = Tie.objects.filter(source=Tie.Source.SURVEY, source_person__import_job_id=job.pk)
    assert Tie.objects.filter(source=Tie.Source.SURVEY).count() == before + ties.count()
    assert ties.count() == 2 * 4  # each of two heads: 1 picked + 2 written, 1 opinion
    for record in records[:2]:
        head = Person.objects.get(import_job_id=job.pk, name=record.members[0].name)
        mine = ties.filter(source_person=head)
        assert {t.on for t in mine} == {record.surveyed_on}
        assert set(mine.filter(kind="advice").values_list("target_id", flat=True)) == {
            known[0].pk,
            Person.objects.get(import_job_id=job.pk, name=newcomer).pk,
            None,
        }
        assert mine.get(target__isnull=True).target_name == "Mbah Karto"
        assert mine.get(kind="opinion").target_id == known[1].pk
        assert {t.village_id for t in mine} == {GIRISEKAR}
    # The network figures are computed again after the import (a job after the commit).
    row = NetworkFigures.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)
    assert not row.stale and row.computed_at >= job.started_at


def test_an_import_without_network_columns_needs_no_matching_and_writes_no_ties(demo):
    records = synthetic_households(2, village_code=GIRISEKAR, seed=9)
    plain = form_for_programme(demo.programme)  # the questions are there, no list to pick
    job = _import(demo, kobo_xlsx(records, plain), ImportJob.Source.KOBO, "plain.xlsx")
    assert job.status == ImportJob.Status.DONE, job.errors
    assert not Tie.objects.filter(source_person__import_job_id=job.pk).exists()


def test_a_picked_person_of_another_village_refuses_the_import(demo):
    form = form_for_programme(demo.programme, user=demo.users["manajer"])
    records = synthetic_households(2, village_code=GIRISEKAR, seed=10)
    elsewhere = _registered(demo, SIDOHARJO)[0]
    records[1].members[0] = replace(
        records[1].members[0], network={"advice_from": [str(elsewhere.pk)]}
    )
    households = Household.objects.count()

    job = _import(demo, kobo_xlsx(records, form), ImportJob.Source.KOBO, "mixed.xlsx")

    assert job.status == ImportJob.Status.FAILED
    assert Household.objects.count() == households
    (problem,) = [e for e in job.errors if e["value"] == str(elsewhere.pk)]
    assert problem["column"] == "anggota/nasihat"
    assert "No one of this village's registry has this number" in problem["reason"]


def test_more_names_than_the_form_allows_refuse_the_import(demo):
    form = form_for_programme(demo.programme)
    records = synthetic_households(1, village_code=GIRISEKAR, seed=11)
    records[0].members[0] = replace(
        records[0].members[0], network={"opinion_matters_names": "Ani, Budi, Citra, Dodi"}
    )
    job = _import(demo, kobo_xlsx(records, form), ImportJob.Source.KOBO, "many.xlsx")
    assert job.status == ImportJob.Status.FAILED
    assert any(e["reason"] == "At most 3 people." for e in job.errors), job.errors


def test_the_programmes_form_lists_only_people_the_user_may_see_and_records_the_read(demo, login):
    facilitator = demo.users["pendamping.girisekar"]
    form = form_for_programme(demo.programme, user=facilitator)
    assert {c.village for c in form.lists[PEOPLE_LIST]} == {GIRISEKAR}
    viewer = form_for_programme(demo.programme, user=demo.users["pemantau"])
    assert viewer.lists[PEOPLE_LIST] == []

    before = PersonalDataAccess.objects.filter(user=facilitator, object_type="person").count()
    response = login("pendamping.girisekar").get(
        f"/registri/impor/formulir.xlsx?programme={demo.programme.pk}"
    )
    assert response.status_code == 200
    logged = PersonalDataAccess.objects.filter(user=facilitator, object_type="person")
    assert logged.count() == before + 1
    assert logged.latest("at").row_count == len(form.lists[PEOPLE_LIST])


def test_written_names_are_kept_when_two_people_share_the_name(demo):
    from berdaya.networks.survey import SurveyAnswer, survey_ties_record

    someone = _registered(demo, GIRISEKAR)[0]
    twins = Person.objects.filter(
        organisation=demo.organisation, household__village_id=GIRISEKAR
    ).exclude(pk=someone.pk)[:2]
    for person in twins:
        person.name = "Sri Wahyuni"
        person.save(update_fields=["name"])
    on = datetime.date(2025, 3, 1)
    survey_ties_record(
        organisation=demo.organisation,
        village_code=GIRISEKAR,
        answers=[SurveyAnswer(someone.pk, "advice", target_name="sri  wahyuni")],
        on=on,
    )
    tie = Tie.objects.get(source_person=someone, on=on, source=Tie.Source.SURVEY)
    assert tie.target_id is None and tie.target_name == "sri wahyuni"
