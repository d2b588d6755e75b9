"""The six steps of a plan, with votes recorded, corrected and counted."""

import datetime

import pytest

from berdaya.core.errors import ValidationFailed
from berdaya.planning.models import PlanningCycle, Vote
from berdaya.planning.services import (
    count,
    cycle_advance,
    cycle_start,
    problem_add,
    solution_add,
    task_add,
    task_evaluate,
    tree_node_add,
    vote_record,
    voting_close,
    voting_open,
)
from berdaya.registry.models import Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
ON = datetime.date(2025, 4, 10)


@pytest.fixture
def cycle(demo):
    return cycle_start(
        user=demo.users["pendamping.girisekar"],
        programme=demo.programme,
        village_code=GIRISEKAR,
        title="Rencana aksi Girisekar 2025",
        started_on=ON,
    )


def _villagers(n):
    return list(Person.objects.filter(household__village_id=GIRISEKAR, status="present")[:n])


def test_the_whole_flow_with_borda_and_a_corrected_vote(cycle):
    a, b, c = _villagers(3)
    water = problem_add(cycle=cycle, title="Air bersih saat kemarau", raised_by=a)
    road = problem_add(cycle=cycle, title="Jalan ke ladang rusak", raised_by=b)
    capital = problem_add(cycle=cycle, title="Modal usaha kecil", raised_by=c)
    cause = tree_node_add(problem=water, kind="cause", text="Sumur dangkal kering")
    tree_node_add(problem=water, kind="cause", text="Tanah karst", parent=cause)
    cycle_advance(cycle=cycle)
    voting_open(cycle=cycle, method="borda")
    # a: water, road, capital → 2, 1, 0. b: road, water, capital. c: water, capital, road.
    # Water 2+1+2 = 5, road 1+2+0 = 3, capital 0+0+1 = 1.
    vote_record(cycle=cycle, voter=a, ballot={water.pk: 1, road.pk: 2, capital.pk: 3})
    vote_record(cycle=cycle, voter=b, ballot={road.pk: 1, water.pk: 2, capital.pk: 3})
    vote_record(cycle=cycle, voter=c, ballot={water.pk: 1, capital.pk: 2, road.pk: 3})
    result = count(cycle, list(cycle.votes.all()))
    assert [(s.option, s.score) for s in result.standings] == [
        (water.pk, 5),
        (road.pk, 3),
        (capital.pk, 1),
    ]
    # c corrects their ballot (road first, then capital): water 2+1+0 = 3, road 1+2+2 = 5.
    vote_record(cycle=cycle, voter=c, ballot={road.pk: 1, capital.pk: 2, water.pk: 3})
    assert Vote.objects.filter(cycle=cycle).count() == 3
    final = voting_close(cycle=cycle)
    assert final.winners == [road.pk]
    assert count(cycle, list(cycle.votes.all())).standings == final.standings  # reproducible
    cycle.refresh_from_db()
    assert cycle.step == PlanningCycle.Step.SOLUTIONS

    solution = solution_add(
        problem=road,
        title="Kerja bakti perbaikan jalan",
        socio_cultural=True,
        internal_resources="Tenaga warga, batu kapur",
        external_resources="Semen dari Dana Desa",
    )
    with pytest.raises(ValidationFailed):
        task_add(solution=solution, title="Kumpulkan batu", success_indicator="", owner=a)
    task = task_add(
        solution=solution,
        title="Kumpulkan batu",
        owner=a,
        success_indicator="200 m jalan bisa dilalui motor",
        due_on=ON + datetime.timedelta(30),
    )
    task_evaluate(
        task=task,
        evaluated_on=ON + datetime.timedelta(60),
        outcome="partly",
        lessons="Musim hujan datang lebih awal",
    )
    cycle.refresh_from_db()
    assert cycle.step == PlanningCycle.Step.EVALUATION


def test_a_vote_for_an_unknown_option_or_from_another_village_writes_nothing(cycle):
    a, b = _villagers(2)
    water = problem_add(cycle=cycle, title="Air", raised_by=a)
    road = problem_add(cycle=cycle, title="Jalan", raised_by=b)
    voting_open(cycle=cycle, method="dots", dots_per_voter=3)
    with pytest.raises(ValidationFailed) as caught:
        vote_record(cycle=cycle, voter=a, ballot={"99999": 2})
    assert caught.value.field == "ballot"
    with pytest.raises(ValidationFailed):
        vote_record(cycle=cycle, voter=a, ballot={water.pk: 2, road.pk: 2})  # 4 dots of 3
    outsider = Person.objects.filter(household__village_id=SIDOHARJO).first()
    with pytest.raises(ValidationFailed):
        vote_record(cycle=cycle, voter=outsider, ballot={water.pk: 1})
    assert not Vote.objects.filter(cycle=cycle).exists()


def test_steps_happen_in_order(cycle):
    with pytest.raises(ValidationFailed):
        voting_open(cycle=cycle, method="borda")  # fewer than two problems
    a = _villagers(1)[0]
    problem = problem_add(cycle=cycle, title="Air", raised_by=a)
    with pytest.raises(ValidationFailed):
        solution_add(problem=problem, title="Tandon", socio_cultural=False)
    problem_add(cycle=cycle, title="Jalan")
    voting_open(cycle=cycle, method="matrix", criteria={"Mendesak": 2, "Bisa dikerjakan": 1})
    with pytest.raises(ValidationFailed):
        voting_close(cycle=cycle)  # nobody voted
