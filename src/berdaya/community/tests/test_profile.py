"""The village profile: figures, charts, coverage, capitals; aggregates only for viewers."""

from __future__ import annotations

import pytest

from berdaya.community.models import Institution
from berdaya.community.selectors import village_figures
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.models import Household, Person


def _url(code: str = GIRISEKAR) -> str:
    return f"/wilayah/desa/{code}/"


@pytest.fixture
def figures(demo):
    return village_figures(user=demo.users["manajer"], village=demo.villages[GIRISEKAR])


def test_the_profile_shows_the_villages_figures(login, demo):
    response = login("pendamping.girisekar").get(_url())
    body = response.content.decode()
    households = Household.objects.filter(village_id=GIRISEKAR, status="active")
    persons = Person.objects.filter(household__in=households, status="present")
    assert response.status_code == 200
    assert response.context["village"].code == GIRISEKAR
    assert f'data-testid="count-households">{households.count()}<' in body
    assert f'data-testid="count-persons">{persons.count()}<' in body
    for testid in ("mpi", "pyramid", "coverage", "vulnerabilities", "capitals", "institutions"):
        assert f'data-testid="{testid}"' in body


def test_the_charts_are_inline_svg_with_a_title(login, demo):
    body = login("manajer").get(_url()).content.decode()
    assert body.count('<svg role="img"') == 2
    assert "<script" not in body.split("</head>", 1)[1]  # no chart JavaScript
    assert "<title>" in body.split("<svg", 1)[1]


def test_the_pyramid_counts_everyone_with_a_birth_date_by_band_and_sex(figures, demo):
    persons = Person.objects.filter(
        household__village_id=GIRISEKAR, household__status="active", status="present"
    )
    assert sum(row["count"] for row in figures.pyramid) == persons.exclude(birth_date=None).count()
    women = sum(row["count"] for row in figures.pyramid if row["sex"] == "P")
    assert women == persons.filter(sex="P").exclude(birth_date=None).count()
    assert [row["band"] for row in figures.pyramid[:4]] == ["0–4", "0–4", "5–9", "5–9"]
    assert figures.pyramid[-1]["band"] == "75+"


def test_living_conditions_are_shares_of_households(figures):
    floor = figures.living[0]
    assert sum(answer.count for answer in floor.answers) == figures.households
    assert all(0 <= answer.percent <= 100 for answer in floor.answers)


def test_coverage_counts_enrolled_and_poor_not_enrolled(figures):
    pkh = next(c for c in figures.coverage if c.name.startswith("PKH"))
    enrolled = Household.objects.filter(
        village_id=GIRISEKAR,
        status="active",
        enrolments__scheme__code="pkh",
        enrolments__until__isnull=True,
    ).count()
    assert pkh.enrolled == enrolled
    poor = figures.mpi.by_status["poor"] + figures.mpi.by_status["severe"]
    assert 0 <= pkh.poor_not_enrolled <= poor
    assert pkh.enrolled_not_poor is not None


def test_vulnerabilities_count_female_headed_households(figures):
    female_headed = Person.objects.filter(
        household__village_id=GIRISEKAR,
        household__status="active",
        relation="head",
        sex="P",
        status="present",
    ).count()
    first = figures.vulnerabilities[0]
    assert (first.count, first.total) == (female_headed, figures.households)


def test_each_capital_is_scored_from_0_to_100_and_the_formula_is_on_the_page(login, figures):
    assert [c.capital for c in figures.capitals] == [
        "human",
        "social",
        "natural",
        "physical",
        "financial",
    ]
    for capital in figures.capitals:
        assert capital.score is not None
        assert 0 <= capital.score <= 100
    body = login("manajer").get(_url()).content.decode()
    assert "How the scores are computed" in body or "skor" in body.lower()


def test_facilitators_items_move_the_capital_score(demo):
    from berdaya.community.services import capital_item_create

    village = demo.villages[GIRISEKAR]
    before = village_figures(user=demo.users["manajer"], village=village).capitals[4]
    capital_item_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=village,
        capital="financial",
        description="Kelompok tabungan perempuan berjalan rutin",
        strength=5,
        recorded_on=before and __import__("datetime").date(2025, 3, 1),
    )
    after = village_figures(user=demo.users["manajer"], village=village).capitals[4]
    assert after.items == before.items + 1
    assert after.assessed > before.assessed
    assert after.score == pytest.approx((after.registry + after.assessed) / 2)


def test_a_viewer_sees_the_profile_without_any_name(login, demo):
    response = login("pemantau").get(_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="count-households"' in body
    names = set(
        Person.objects.filter(household__village_id=GIRISEKAR).values_list("name", flat=True)
    )
    main = body.split("<main", 1)[1]
    leaked = [name for name in names if f">{name}<" in main or f" {name} " in main]
    assert leaked == []
    assert "/registri/rumah-tangga/?" not in main  # no links into personal lists


def test_a_viewer_gets_the_same_aggregates_as_a_manager(demo):
    village = demo.villages[SIDOHARJO]
    viewer = village_figures(user=demo.users["pemantau"], village=village)
    manager = village_figures(user=demo.users["manajer"], village=village)
    assert (viewer.households, viewer.persons, viewer.mpi.by_status) == (
        manager.households,
        manager.persons,
        manager.mpi.by_status,
    )


def test_another_organisations_households_are_not_counted(demo):
    from berdaya.organisations.services import organisation_create
    from berdaya.programmes.services import programme_create
    from berdaya.registry.services import MemberInput, household_register

    other = organisation_create(name="Organisasi Lain", kind="ngo")
    programme_create(
        organisation=other,
        name="Program Lain",
        start_date=__import__("datetime").date(2025, 1, 1),
        planned_duration_months=36,
        village_codes=[GIRISEKAR],
    )
    before = village_figures(user=demo.users["manajer"], village=demo.villages[GIRISEKAR])
    household_register(
        organisation=other,
        village=demo.villages[GIRISEKAR],
        members=[MemberInput(name="Orang Lain", sex="L", relation="head")],
    )
    after = village_figures(user=demo.users["manajer"], village=demo.villages[GIRISEKAR])
    assert after.households == before.households


def test_the_profile_of_a_village_the_user_does_not_work_in_is_404(login, demo):
    response = login("pendamping.girisekar").get(_url(SIDOHARJO))
    assert response.status_code == 404
    assert "Sidoharjo" not in response.content.decode()


def test_institutions_and_earlier_programmes_are_listed(login, demo):
    body = login("pemantau").get(_url()).content.decode()
    for institution in Institution.objects.filter(village_id=GIRISEKAR):
        assert institution.name in body
    assert "PNPM Mandiri Perdesaan" in body
