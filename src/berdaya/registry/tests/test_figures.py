"""Stored figures equal `berdaya.analysis` computed from scratch, after every kind of change.

The pages read `HouseholdFigures` and `VillageRegistryFigures` (registry.figures). Here the
stored rows are compared with (a) the registry recomputed from scratch through
`indicators.household_table` / `indicators.poverty` and `figures.village_compute`, and
(b) what `figures_rebuild()` (`berdaya refresh-figures`) writes: rebuild == incremental.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry import figures, indicators
from berdaya.registry.importers.samples import synthetic_households, template_filled_csv
from berdaya.registry.models import (
    Household,
    HouseholdFigures,
    ImportJob,
    Person,
    VillageRegistryFigures,
)
from berdaya.registry.services import (
    MemberInput,
    household_enrol,
    household_move,
    household_register,
    household_split,
    household_survey_record,
    import_job_create,
    import_job_run,
    person_correct,
    person_erase,
    person_leave,
)
from berdaya.registry.xlsform import form_build

ON = datetime.date(2025, 9, 1)
HOME = {
    "floor": "earth",
    "wall": "bamboo",
    "roof": "tile",
    "water": "unprotected_well",
    "sanitation": "pit",
    "electricity": "none",
    "cooking_fuel": "wood",
    "assets": ["phone"],
    "child_deaths_5y": 0,
}


def _households_stored() -> dict[int, tuple]:
    return {
        row.household_id: (
            row.village_code,
            row.organisation_id,
            row.members,
            row.head_name,
            row.poverty_status,
            None if row.poverty_score is None else round(row.poverty_score, 12),
            row.deprived,
        )
        for row in HouseholdFigures.objects.all()
    }


def _villages_stored() -> dict[tuple[int, str], tuple]:
    return {
        (row.organisation_id, row.village_id): (
            row.households,
            row.persons,
            row.women,
            row.children,
            row.elderly,
            row.adults,
            row.figures,
        )
        for row in VillageRegistryFigures.objects.all()
    }


def _assert_equal_to_analysis_from_scratch() -> None:
    """Every stored figure equals the registry computed again from nothing."""
    table = indicators.household_table(Household.objects.all())
    statuses = indicators.poverty(table)
    stored = {row.household_id: row for row in HouseholdFigures.objects.all()}
    assert set(stored) == set(table["household_id"].astype(int))
    for pk, size, village in zip(
        table["household_id"], table["household_size"], table["village_code"], strict=True
    ):
        row, expected = stored[int(pk)], statuses[int(pk)]
        assert (row.poverty_status, row.deprived.split()) == (
            expected.status,
            list(expected.deprived),
        )
        assert row.poverty_score == pytest.approx(expected.score) if expected.score else True
        assert (row.members, row.village_code) == (int(size), village)
    today = timezone.localdate()
    pairs = set(Household.objects.values_list("organisation_id", "village_id").distinct())
    rows = {(r.organisation_id, r.village_id): r for r in VillageRegistryFigures.objects.all()}
    assert pairs <= set(rows)
    for organisation_id, code in pairs:
        scratch = figures.village_compute(
            organisation_id=organisation_id, village_code=code, today=today
        )
        row = rows[(organisation_id, code)]
        assert not row.stale
        assert row.figures == scratch
        assert (row.households, row.persons, row.adults) == (
            scratch["households"],
            scratch["persons"],
            scratch["adults"],
        )


def _assert_rebuild_equals_incremental() -> None:
    households, villages = _households_stored(), _villages_stored()
    call_command("refresh_figures", verbosity=0)
    assert _households_stored() == households
    assert _villages_stored() == villages


def test_the_demos_stored_figures_equal_the_analysis_from_scratch(demo):
    _assert_equal_to_analysis_from_scratch()


def test_the_profile_reads_the_stored_figures_of_its_village(demo, login):
    response = login("manajer").get(f"/wilayah/desa/{GIRISEKAR}/")
    shown = response.context["figures"]
    scratch = figures.village_compute(
        organisation_id=demo.organisation.pk, village_code=GIRISEKAR, today=timezone.localdate()
    )
    assert (shown.households, shown.persons, shown.elderly) == (
        scratch["households"],
        scratch["persons"],
        scratch["elderly"],
    )
    assert shown.mpi.mpi == scratch["mpi"]["mpi"]
    assert shown.computed_at is not None
    assert b'data-testid="figures-computed"' in response.content


def _register(demo, name: str, *, village=GIRISEKAR, survey=None) -> Household:
    today = timezone.localdate()
    return household_register(
        organisation=demo.organisation,
        village=demo.villages[village],
        members=[
            MemberInput(
                name=name,
                sex="P",
                relation="head",
                birth_date=today.replace(year=today.year - 41),
                education="sd_incomplete",
            ),
            MemberInput(
                name=f"Anak {name}",
                sex="L",
                relation="child",
                birth_date=today.replace(year=today.year - 9),
                attending_school=False,
            ),
            MemberInput(
                name=f"Bapak {name}",
                sex="L",
                relation="parent",
                birth_date=today.replace(year=today.year - 70),
            ),
        ],
        survey=survey,
        surveyed_on=ON if survey else None,
        dusun="Dusun Angka",
    )


def test_every_kind_of_change_keeps_the_stored_figures_equal_to_a_rebuild(
    demo, django_capture_on_commit_callbacks
):
    manager = demo.users["manajer"]
    with django_capture_on_commit_callbacks(execute=True):
        # A registration without a survey: status unknown until it is surveyed.
        household = _register(demo, "Sumirah Angka")
        assert HouseholdFigures.objects.get(household=household).poverty_status == "unknown"
    with django_capture_on_commit_callbacks(execute=True):
        household_survey_record(household=household, survey=HOME, surveyed_on=ON)
        household_enrol(household=household, scheme_code="pkh", on=ON)
    stored = HouseholdFigures.objects.get(household=household)
    assert stored.poverty_status == "severe" and stored.members == 3
    assert stored.head_name == "Sumirah Angka"
    _assert_equal_to_analysis_from_scratch()

    child = household.members.get(relation="child")
    with django_capture_on_commit_callbacks(execute=True):
        # A correction: the child does go to school after all.
        person_correct(
            user=manager, person=child, changes={"attending_school": True}, reason="salah isi"
        )
    assert "school_attendance" not in HouseholdFigures.objects.get(household=household).deprived
    with django_capture_on_commit_callbacks(execute=True):
        grandfather = household.members.get(relation="parent")
        person_leave(person=grandfather, reason=Person.Status.DECEASED, on=ON)
    assert HouseholdFigures.objects.get(household=household).members == 2
    with django_capture_on_commit_callbacks(execute=True):
        new = household_split(
            household=household, member_ids=[child.pk], new_head_id=child.pk, on=ON
        )
    assert HouseholdFigures.objects.get(household=new).members == 1
    assert HouseholdFigures.objects.get(household=household).members == 1
    before = VillageRegistryFigures.objects.get(
        organisation=demo.organisation, village_id=SIDOHARJO
    ).households
    with django_capture_on_commit_callbacks(execute=True):
        household_move(household=new, on=ON, village=demo.villages[SIDOHARJO])
    after = VillageRegistryFigures.objects.get(organisation=demo.organisation, village_id=SIDOHARJO)
    assert after.households == before + 1 and not after.stale
    assert HouseholdFigures.objects.get(household=new).village_code == SIDOHARJO
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(user=manager, person=household.members.get(relation="head"), reason="minta")
    assert "Sumirah" not in HouseholdFigures.objects.get(household=household).head_name
    _assert_equal_to_analysis_from_scratch()
    _assert_rebuild_equals_incremental()


def test_an_import_stores_the_figures_of_every_household_it_wrote(
    demo, django_capture_on_commit_callbacks
):
    records = synthetic_households(30, village_code=SIDOHARJO, seed=9)
    data = template_filled_csv(records, form_build())
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(
            user=demo.users["manajer"],
            organisation=demo.organisation,
            village=demo.villages[SIDOHARJO],
            source="template",
            uploaded_file=SimpleUploadedFile("rumah-tangga.csv", data),
            queue=False,
        )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_run(job.pk)
    assert job.status == ImportJob.Status.DONE and job.households_created == 30
    assert not Household.objects.exclude(pk__in=HouseholdFigures.objects.values("pk")).exists()
    _assert_equal_to_analysis_from_scratch()
    _assert_rebuild_equals_incremental()


def test_a_failed_write_leaves_no_figures_behind(demo):
    count = HouseholdFigures.objects.count()
    with pytest.raises(Exception):  # noqa: B017 (any error rolls the whole write back)
        from django.db import transaction

        with transaction.atomic():
            _register(demo, "Gagal Angka")
            raise RuntimeError("stop")
    assert HouseholdFigures.objects.count() == count


def test_a_large_village_is_left_to_the_background_job(
    demo, settings, django_capture_on_commit_callbacks
):
    settings.BERDAYA_FIGURES_INLINE_HOUSEHOLDS = 10  # the demo's villages count as large
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    with django_capture_on_commit_callbacks(execute=True):
        _register(demo, "Besar Angka", survey=HOME)
    row = VillageRegistryFigures.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)
    assert row.stale  # the page shows the last figures, saying they are being updated
    assert any(
        result.task.name == "village_figures_task" for result in default_task_backend.results
    )
    figures.village_figures_task.call(demo.organisation.pk, GIRISEKAR)
    row.refresh_from_db()
    assert not row.stale
    _assert_equal_to_analysis_from_scratch()
