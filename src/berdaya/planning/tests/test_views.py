"""The planning pages: each step, scoping, and bad input (unknown options, outsiders)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse

from berdaya.planning.models import ActionTask, Evaluation, PlanningCycle, Problem, TreeNode, Vote
from berdaya.planning.services import cycle_start, problem_add, voting_open
from berdaya.registry.models import Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
FACILITATOR = "pendamping.girisekar"


@pytest.fixture
def girisekar(login):
    client = login(FACILITATOR)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages checked in English
    return client


@pytest.fixture
def full_cycle(demo) -> PlanningCycle:
    """The demo's plan in Girisekar: all six steps done, voted by Borda count."""
    return PlanningCycle.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)


@pytest.fixture
def new_cycle(demo) -> PlanningCycle:
    return cycle_start(
        user=demo.users[FACILITATOR],
        programme=demo.programme,
        village_code=GIRISEKAR,
        title="Rencana uji",
        started_on=datetime.date(2026, 11, 1),
    )


def _villagers(village=GIRISEKAR, n=3) -> list[Person]:
    return list(
        Person.objects.filter(
            household__village_id=village, status="present", birth_date__lte="1990-01-01"
        ).order_by("pk")[:n]
    )


def _voting(cycle, method="dots", **options):
    a, b, c = _villagers()
    problems = [
        problem_add(cycle=cycle, title=title, raised_by=person)
        for title, person in (("Air", a), ("Jalan", b), ("Modal", c))
    ]
    voting_open(cycle=cycle, method=method, **options)
    return problems


def _html(response) -> str:
    return response.content.decode()


def test_the_list_and_starting_a_plan(girisekar, demo, full_cycle):
    response = girisekar.get(reverse("planning:list"))
    assert response.status_code == 200
    assert full_cycle in response.context["cycles"]
    assert all(c.village_id == GIRISEKAR for c in response.context["cycles"])
    url = reverse("planning:create")
    assert girisekar.get(url).status_code == 200
    response = girisekar.post(
        url, {"title": "Rencana dusun Ngasem", "village": GIRISEKAR, "started_on": "2026-11-20"}
    )
    cycle = PlanningCycle.objects.get(title="Rencana dusun Ngasem")
    assert response["Location"] == reverse("planning:problems", args=[cycle.pk])
    response = girisekar.post(url, {"title": "X", "village": SIDOHARJO, "started_on": "2026-11-20"})
    assert response.status_code == 422 and not PlanningCycle.objects.filter(title="X").exists()


def test_a_plan_opens_at_its_current_step(girisekar, full_cycle, new_cycle):
    response = girisekar.get(reverse("planning:detail", args=[full_cycle.pk]))
    assert response["Location"] == reverse("planning:evaluation", args=[full_cycle.pk])
    response = girisekar.get(reverse("planning:detail", args=[new_cycle.pk]))
    assert response["Location"] == reverse("planning:problems", args=[new_cycle.pk])


def test_another_villages_plan_is_not_found_on_any_step(girisekar, demo):
    other = PlanningCycle.objects.get(organisation=demo.organisation, village_id=SIDOHARJO)
    for name in ("detail", "problems", "tree", "priorities", "solutions", "action", "evaluation"):
        assert girisekar.get(reverse(f"planning:{name}", args=[other.pk])).status_code == 404
    for name in ("problems", "advance", "tree", "open", "vote", "close", "task-status"):
        response = girisekar.post(reverse(f"planning:{name}", args=[other.pk]), {"title": "X"})
        assert response.status_code == 404, name
    assert not other.problems.filter(title="X").exists()


def test_every_step_shows_the_stepper_and_whose_voices_counted(girisekar, full_cycle):
    for name in ("problems", "tree", "priorities", "solutions", "action", "evaluation"):
        response = girisekar.get(reverse(f"planning:{name}", args=[full_cycle.pk]))
        assert response.status_code == 200, name
        html = _html(response)
        assert html.count('class="done') == 5 and 'aria-current="step"' in html
        assert 'data-testid="voices"' in html
    voices = response.context["voices"]
    raised, voted, _owners = voices.rows
    assert (raised.people, voted.people) == (6, 16)
    assert voted.women + voted.men == voted.people


def test_step_1_problems_with_who_raised_them(girisekar, demo, new_cycle):
    url = reverse("planning:problems", args=[new_cycle.pk])
    person = _villagers(n=1)[0]
    response = girisekar.post(url, {"title": "Air bersih", "raised_by": person.pk})
    assert response.status_code == 302
    assert new_cycle.problems.get().raised_by == person
    # Someone from another village (visible to the facilitator or not) is refused.
    outsider = _villagers(SIDOHARJO, 1)[0]
    response = girisekar.post(url, {"title": "Jalan", "raised_by": outsider.pk})
    assert response.status_code == 422
    assert 'data-testid="error-raised_by"' in _html(response)
    assert new_cycle.problems.count() == 1
    assert person.name in _html(girisekar.get(url))


def test_a_problem_is_corrected_until_prioritising_starts(girisekar, full_cycle, new_cycle):
    problem = problem_add(cycle=new_cycle, title="Air bersi")
    url = reverse("planning:problems", args=[new_cycle.pk])
    page = girisekar.get(url, {"ubah": problem.pk})
    assert page.context["form"].initial["title"] == "Air bersi"
    assert "Correct the problem" in _html(page)

    response = girisekar.post(
        url, {"problem": problem.pk, "title": "Air bersih", "description": "Musim kemarau"}
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.description) == ("Air bersih", "Musim kemarau")
    assert new_cycle.problems.count() == 1  # corrected, not added

    # Not a problem of this plan: refused, nothing changes.
    other = full_cycle.problems.first()
    response = girisekar.post(url, {"problem": other.pk, "title": "Diganti"})
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.title != "Diganti"


def test_after_the_vote_problems_are_no_longer_corrected(girisekar, full_cycle):
    problem = full_cycle.problems.first()
    url = reverse("planning:problems", args=[full_cycle.pk])
    assert 'data-testid="edit-problem"' not in _html(girisekar.get(url))
    response = girisekar.post(url, {"problem": problem.pk, "title": "Diganti"})
    assert response.status_code == 422
    problem.refresh_from_db()
    assert problem.title != "Diganti"


def test_moving_on_to_the_analysis(girisekar, new_cycle):
    url = reverse("planning:advance", args=[new_cycle.pk])
    response = girisekar.post(url)  # no problem yet: refused with a message
    assert response["Location"] == reverse("planning:problems", args=[new_cycle.pk])
    new_cycle.refresh_from_db()
    assert new_cycle.step == 1
    problem_add(cycle=new_cycle, title="Air")
    girisekar.post(url)
    new_cycle.refresh_from_db()
    assert new_cycle.step == 2


def test_step_2_the_problem_tree_nests_deeper_causes(girisekar, new_cycle):
    problem = problem_add(cycle=new_cycle, title="Air")
    url = reverse("planning:tree", args=[new_cycle.pk])
    girisekar.post(url, {"problem": problem.pk, "kind": "cause", "text": "Sumur kering"})
    cause = TreeNode.objects.get(text="Sumur kering")
    response = girisekar.post(
        url, {"problem": problem.pk, "kind": "cause", "text": "Tanah karst", "parent": cause.pk}
    )
    assert response.status_code == 302
    assert TreeNode.objects.get(text="Tanah karst").parent == cause
    # An effect cannot hang under a cause.
    response = girisekar.post(
        url, {"problem": problem.pk, "kind": "effect", "text": "Biaya", "parent": cause.pk}
    )
    assert response.status_code == 422 and not TreeNode.objects.filter(text="Biaya").exists()
    tree = girisekar.get(url).context["trees"][0]
    assert tree.causes[0].node == cause and tree.causes[0].children[0].node.text == "Tanah karst"


def test_step_3_the_demo_result_is_recounted_from_the_ballots(girisekar, full_cycle):
    response = girisekar.get(reverse("planning:priorities", args=[full_cycle.pk]))
    counted = response.context["counted"]
    assert counted.result.voters == 15 and counted.result.abstentions == 1
    assert len(counted.late) == 1  # handed in after the vote closed: shown, not counted
    assert counted.rows[0].problem.title == "Air bersih susah saat kemarau"
    assert [row.rank for row in counted.rows] == sorted(row.rank for row in counted.rows)
    html = _html(response)
    assert 'data-testid="result"' in html and 'data-testid="late"' in html
    assert response.context["ballot_form"] is None  # voting is closed


def test_choosing_a_method_matrix_needs_criteria(girisekar, new_cycle):
    problem_add(cycle=new_cycle, title="Air")
    problem_add(cycle=new_cycle, title="Jalan")
    url = reverse("planning:open", args=[new_cycle.pk])
    response = girisekar.post(url, {"method": "matrix", "criteria": "", "dots_per_voter": 3})
    assert response.status_code == 422
    assert "Matrix scoring needs criteria" in _html(response)
    new_cycle.refresh_from_db()
    assert new_cycle.method == ""
    girisekar.post(
        url, {"method": "matrix", "criteria": "Mendesak = 3\nBisa sendiri = 1", "dots_per_voter": 3}
    )
    new_cycle.refresh_from_db()
    assert new_cycle.method == "matrix" and new_cycle.step == 3
    assert dict(new_cycle.criteria.values_list("name", "weight")) == {
        "Mendesak": 3,
        "Bisa sendiri": 1,
    }


def test_a_ballot_is_counted_and_a_corrected_ballot_changes_the_result(girisekar, new_cycle):
    water, road, capital = _voting(new_cycle, "dots", dots_per_voter=3)
    voter = _villagers(n=1)[0]
    url = reverse("planning:vote", args=[new_cycle.pk])
    response = girisekar.post(url, {"voter": voter.pk, f"dots_{water.pk}": 3})
    assert response.status_code == 302
    page = girisekar.get(reverse("planning:priorities", args=[new_cycle.pk]))
    assert page.context["counted"].rows[0].problem == water
    # Correcting: the form comes back filled in, and the new ballot replaces the old one.
    filled = girisekar.get(reverse("planning:priorities", args=[new_cycle.pk]), {"voter": voter.pk})
    assert filled.context["ballot_form"].initial[f"dots_{water.pk}"] == 3
    girisekar.post(url, {"voter": voter.pk, f"dots_{road.pk}": 2, f"dots_{capital.pk}": 1})
    assert Vote.objects.filter(cycle=new_cycle).count() == 1
    page = girisekar.get(reverse("planning:priorities", args=[new_cycle.pk]))
    assert [row.problem for row in page.context["counted"].rows][:2] == [road, capital]


@pytest.mark.parametrize(
    "bad",
    [
        {"dots_999999": 2},  # a problem that is not on the list
        {"too_many": 4},  # four dots of three
        {"outsider": 1},  # a voter from another village
        {"no_voter": 1},
    ],
)
def test_a_bad_ballot_is_shown_and_writes_nothing(login, demo, new_cycle, bad):
    # The manager sees both villages, so the outsider reaches the service's own check.
    client = login("manajer")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    water, _road, _capital = _voting(new_cycle, "dots", dots_per_voter=3)
    data = {"voter": _villagers(n=1)[0].pk, f"dots_{water.pk}": 1}
    if "too_many" in bad:
        data[f"dots_{water.pk}"] = 4
    elif "outsider" in bad:
        data["voter"] = _villagers(SIDOHARJO, 1)[0].pk
    elif "no_voter" in bad:
        del data["voter"]
    else:
        data.update(bad)
    response = client.post(reverse("planning:vote", args=[new_cycle.pk]), data)
    assert response.status_code == 422
    html = _html(response)
    expected = {
        "dots_999999": "names a problem that is not on the list",
        "too_many": "Enter a whole number from 0 to 3",  # core.validators: the whole range
        "outsider": "is not registered in this village",
        "no_voter": "Search for a name and choose the person",
    }[next(iter(bad))]
    assert expected in html
    assert not Vote.objects.filter(cycle=new_cycle).exists()


def test_pairwise_and_borda_ballots_from_the_form(girisekar, demo):
    for method in ("pairwise", "borda"):
        cycle = cycle_start(
            user=demo.users[FACILITATOR],
            programme=demo.programme,
            village_code=GIRISEKAR,
            title=f"Uji {method}",
            started_on=datetime.date(2026, 11, 1),
        )
        water, road, capital = _voting(cycle, method)
        voter = _villagers(n=1)[0]
        if method == "pairwise":
            ballot = {
                f"pair_{water.pk}_{road.pk}": road.pk,
                f"pair_{water.pk}_{capital.pk}": water.pk,
                f"pair_{road.pk}_{capital.pk}": "",  # no choice: an abstention
            }
        else:
            ballot = {f"place_{road.pk}": 1, f"place_{water.pk}": 2}
        response = girisekar.post(
            reverse("planning:vote", args=[cycle.pk]), {"voter": voter.pk, **ballot}
        )
        assert response.status_code == 302, method
        counted = girisekar.get(reverse("planning:priorities", args=[cycle.pk])).context["counted"]
        if method == "pairwise":
            # Road beat water, water beat capital, road–capital abstained: water and road tie.
            assert counted.result.abstentions == 1
            assert {row.problem for row in counted.rows if row.rank == 1} == {water, road}
            assert counted.rows[0].tied and counted.tied_first
        else:
            # Borda with three problems: road 2 points, water 1, capital unranked 0.
            assert [(row.problem, row.score) for row in counted.rows] == [
                (road, 2),
                (water, 1),
                (capital, 0),
            ]


def test_closing_the_vote(girisekar, new_cycle):
    water, *_rest = _voting(new_cycle, "dots", dots_per_voter=2)
    url = reverse("planning:close", args=[new_cycle.pk])
    girisekar.post(url)  # nobody voted: refused
    new_cycle.refresh_from_db()
    assert new_cycle.voting_closed_at is None
    girisekar.post(
        reverse("planning:vote", args=[new_cycle.pk]),
        {"voter": _villagers(n=1)[0].pk, f"dots_{water.pk}": 2},
    )
    girisekar.post(url)
    new_cycle.refresh_from_db()
    assert new_cycle.voting_closed_at is not None and new_cycle.step == 4


def test_step_4_solutions_socio_cultural_first(girisekar, full_cycle):
    url = reverse("planning:solutions", args=[full_cycle.pk])
    response = girisekar.get(url)
    assert response.status_code == 200
    first_problem, solutions = response.context["by_problem"][0]
    assert first_problem.title == "Air bersih susah saat kemarau"
    assert [s.socio_cultural for s in solutions] == sorted(
        (s.socio_cultural for s in solutions), reverse=True
    )
    # The plan is being evaluated: new solutions belong to another step, and so do
    # corrections.
    response = girisekar.post(url, {"problem": first_problem.pk, "title": "Sumur bor"})
    assert response.status_code == 422
    assert "belongs to another step" in _html(response)
    assert 'data-testid="edit-solution"' not in _html(girisekar.get(url))
    solution = solutions[0]
    response = girisekar.post(
        url, {"solution": solution.pk, "problem": first_problem.pk, "title": "Diganti"}
    )
    assert response.status_code == 422
    solution.refresh_from_db()
    assert solution.title != "Diganti"


def test_steps_4_and_5_add_a_solution_and_a_task_with_an_owner(girisekar, new_cycle):
    water, *_rest = _voting(new_cycle, "dots", dots_per_voter=1)
    girisekar.post(
        reverse("planning:vote", args=[new_cycle.pk]),
        {"voter": _villagers(n=1)[0].pk, f"dots_{water.pk}": 1},
    )
    girisekar.post(reverse("planning:close", args=[new_cycle.pk]))
    response = girisekar.post(
        reverse("planning:solutions", args=[new_cycle.pk]),
        {
            "problem": water.pk,
            "title": "Tandon bersama",
            "socio_cultural": "on",
            "internal_resources": "Kerja bakti",
            "external_resources": "Semen",
        },
    )
    assert response.status_code == 302
    solution = water.solutions.get()
    assert solution.socio_cultural
    url = reverse("planning:action", args=[new_cycle.pk])
    task = {
        "solution": solution.pk,
        "title": "Kumpulkan batu",
        "due_on": "2026-12-20",
        "success_indicator": "Batu terkumpul",
    }
    response = girisekar.post(url, task)  # nobody owns it
    assert response.status_code == 422 and "needs an owner" in _html(response)
    response = girisekar.post(url, {**task, "owner": _villagers(SIDOHARJO, 1)[0].pk})
    assert response.status_code == 422
    assert not ActionTask.objects.filter(solution=solution).exists()
    owner = _villagers(n=2)[1]
    response = girisekar.post(url, {**task, "owner": owner.pk})
    assert response.status_code == 302
    assert ActionTask.objects.get(solution=solution).owner == owner

    # While the action plan is made, a solution is corrected in place (its tasks stay).
    solutions_url = reverse("planning:solutions", args=[new_cycle.pk])
    page = girisekar.get(solutions_url, {"ubah": solution.pk})
    assert page.context["form"].initial["title"] == "Tandon bersama"
    response = girisekar.post(
        solutions_url,
        {
            "solution": solution.pk,
            "problem": water.pk,
            "title": "Tandon air hujan bersama",
            "socio_cultural": "on",
            "internal_resources": "Kerja bakti, pasir",
        },
    )
    assert response.status_code == 302
    solution.refresh_from_db()
    assert (solution.title, solution.internal_resources, solution.external_resources) == (
        "Tandon air hujan bersama",
        "Kerja bakti, pasir",
        "",
    )
    assert water.solutions.count() == 1 and solution.tasks.count() == 1


def test_step_5_a_task_status_is_saved(girisekar, full_cycle):
    task = ActionTask.objects.filter(solution__problem__cycle=full_cycle, status="planned").first()
    url = reverse("planning:task-status", args=[full_cycle.pk])
    response = girisekar.post(url, {"task": task.pk, "status": "doing"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "doing"
    response = girisekar.post(url, {"task": task.pk, "status": "lost"})
    task.refresh_from_db()
    assert task.status == "doing"


def test_step_6_evaluation_against_the_indicator(girisekar, full_cycle):
    url = reverse("planning:evaluation", args=[full_cycle.pk])
    response = girisekar.get(url)
    assert response.status_code == 200
    assert "Bak terisi saat hujan pertama" in _html(response)  # the indicator set at step 5
    task = ActionTask.objects.get(title="Bangun bak penampungan 20 m³")
    response = girisekar.post(
        url,
        {
            "task": task.pk,
            "evaluated_on": "2026-11-20",
            "outcome": "partly",
            "lessons": "Hujan datang terlambat",
        },
    )
    assert response.status_code == 302
    assert Evaluation.objects.filter(task=task, outcome="partly").exists()
    response = girisekar.post(url, {"task": task.pk, "evaluated_on": "", "outcome": "maybe"})
    assert response.status_code == 422
    assert Evaluation.objects.filter(task=task).count() == 1


def test_problems_are_ranked_by_the_vote_on_later_steps(full_cycle):
    from berdaya.planning.selectors import problems_ranked

    ranked = problems_ranked(full_cycle)
    assert ranked[0].title == "Air bersih susah saat kemarau"
    assert set(ranked) == set(Problem.objects.filter(cycle=full_cycle))


def test_a_matrix_ballot_from_the_form_with_a_blank_left_out(girisekar, new_cycle):
    water, road, _capital = _voting(
        new_cycle, "matrix", criteria={"Mendesak": 2, "Bisa sendiri": 1}
    )
    urgent, doable = list(new_cycle.criteria.order_by("pk"))
    page = girisekar.get(reverse("planning:priorities", args=[new_cycle.pk]))
    assert f'name="score_{water.pk}_{urgent.pk}"' in _html(page)
    ballot = {
        f"score_{water.pk}_{urgent.pk}": "5",
        f"score_{water.pk}_{doable.pk}": "",  # not scored: left out, not zero
        f"score_{road.pk}_{urgent.pk}": "2",
        f"score_{road.pk}_{doable.pk}": "5",
    }
    response = girisekar.post(
        reverse("planning:vote", args=[new_cycle.pk]), {"voter": _villagers(n=1)[0].pk, **ballot}
    )
    assert response.status_code == 302
    counted = girisekar.get(reverse("planning:priorities", args=[new_cycle.pk])).context["counted"]
    # Water 2×5 = 10; road 2×2 + 1×5 = 9; capital unscored (blanks): 0.
    assert [(row.problem, row.score) for row in counted.rows][:2] == [(water, 10), (road, 9)]
    assert counted.result.abstentions == 3  # water's blank and capital's two blanks
