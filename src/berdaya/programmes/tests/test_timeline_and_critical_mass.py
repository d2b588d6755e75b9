import datetime

import pytest

from berdaya.core.errors import ValidationFailed
from berdaya.facilitation.services import activity_record, attendance_record
from berdaya.programmes.models import Cadre, PlanRevision, ProgrammeVillage
from berdaya.programmes.selectors import critical_mass
from berdaya.programmes.services import (
    PhaseInput,
    cadre_mark,
    critical_mass_target_set,
    programme_create,
    programme_phases_revise,
)
from berdaya.registry.models import Person

GIRISEKAR = "34.03.06.2002"
D = datetime.date


@pytest.fixture
def programme(demo):
    """A programme of the demo organisation with no plan and no activity yet."""
    return programme_create(
        organisation=demo.organisation,
        name="Program uji linimasa",
        start_date=D(2025, 1, 6),
        planned_duration_months=48,
        village_codes=[GIRISEKAR],
    ).programme


def test_a_changed_plan_keeps_the_old_one_and_the_reason(demo, programme):
    first = [
        PhaseInput("pemetaan", D(2025, 1, 6), D(2025, 6, 30)),
        PhaseInput("pendampingan", D(2025, 4, 1), D(2026, 12, 31)),
    ]
    assert programme_phases_revise(programme=programme, phases=first, reason="") is None
    second = [*first[:1], PhaseInput("pendampingan", D(2025, 7, 1), D(2027, 6, 30))]
    with pytest.raises(ValidationFailed):
        programme_phases_revise(programme=programme, phases=second, reason="")
    revision = programme_phases_revise(
        programme=programme,
        phases=second,
        reason="Pemetaan molor karena musim panen",
        user=demo.users["manajer"],
    )
    assert revision.previous_phases[1]["starts_on"] == "2025-04-01"
    assert PlanRevision.objects.filter(programme=programme).count() == 1
    assert programme.phases.get(stage="pendampingan").starts_on == D(2025, 7, 1)
    with pytest.raises(ValidationFailed):  # outside the programme's years
        programme_phases_revise(
            programme=programme,
            reason="perpanjang",
            phases=[PhaseInput("pembelajaran", D(2028, 6, 1), D(2029, 12, 31))],
        )


def test_critical_mass_counts_cadres_and_people_who_propose_or_decide(demo, programme):
    on = D(2025, 12, 1)
    coverage = ProgrammeVillage.objects.get(programme=programme, village_id=GIRISEKAR)
    critical_mass_target_set(coverage=coverage, percent=10)
    manager = demo.users["manajer"]
    before = critical_mass(user=manager, programme=programme, village_code=GIRISEKAR, on=on)
    # Only the demo's cadres so far: this programme has no activity yet.
    cadres = Cadre.objects.filter(
        organisation=demo.organisation,
        person__household__village_id=GIRISEKAR,
        since__lte=on,
        until__isnull=True,
    )
    assert before.empowered == cadres.count() and before.reached is False
    adults = list(
        Person.objects.filter(household__village_id=GIRISEKAR, birth_date__lte=D(1990, 1, 1))
        .exclude(pk__in=cadres.values("person_id"))
        .order_by("pk")[:3]
    )
    cadre_mark(
        organisation=demo.organisation,
        person=adults[0],
        since=D(2025, 3, 1),
        why="Ketua KWT, didengar ibu-ibu",
    )
    activity = activity_record(
        user=demo.users["pendamping.girisekar"],
        programme=programme,
        village_code=GIRISEKAR,
        kind="musyawarah",
        title="Musyawarah dusun",
        held_on=D(2025, 9, 1),
        initiated_by="community",
        stage="pendampingan",
        level="mezzo",
    )
    attendance_record(activity=activity, person=adults[0], decided=True)  # counted once
    attendance_record(activity=activity, person=adults[1], proposed=True)
    attendance_record(activity=activity, person=adults[2])  # only present: not counted
    after = critical_mass(user=manager, programme=programme, village_code=GIRISEKAR, on=on)
    assert after.empowered == before.empowered + 2
    assert after.adults == before.adults
    with pytest.raises(ValidationFailed):
        critical_mass_target_set(coverage=coverage, percent=150)
