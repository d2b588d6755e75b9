"""Ties, stored network figures and critical-mass runs (issue 12, items 1-3).

The measures themselves are berdaya.analysis's (checked there against the literature:
Page et al. 1999 for PageRank, Freeman 1977 for betweenness, Granovetter 1978 for the
threshold model); here the page's figures must equal the library run on the exported table.
"""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from berdaya.analysis.network import ChampionRanking, InfluenceNetwork, NetworkMeasures
from berdaya.core.errors import ValidationFailed
from berdaya.networks.models import CriticalMassRun, NetworkFigures, Tie
from berdaya.networks.selectors import critical_mass_runs, network_figures, ties_of
from berdaya.networks.services import (
    KINDS,
    _pair_weights,
    critical_mass_run_start,
    node_table,
    tie_record,
    tie_table,
    ties_derive,
)
from berdaya.programmes.models import Cadre
from berdaya.registry.models import Person

GIRISEKAR = "34.03.06.2002"
SIDOHARJO = "34.03.07.2003"
D = datetime.date(2025, 3, 1)


def _people(demo, code, count=12):
    return list(
        Person.objects.filter(
            organisation=demo.organisation, household__village_id=code, status="present"
        ).order_by("pk")[:count]
    )


@pytest.fixture
def village(demo, django_capture_on_commit_callbacks):
    people = _people(demo, GIRISEKAR)
    with django_capture_on_commit_callbacks(execute=True):
        for i, person in enumerate(people[1:8], start=1):
            tie_record(
                organisation=demo.organisation,
                source_person=person,
                target=people[0],
                kind="advice",
                on=D,
            )
            tie_record(
                organisation=demo.organisation,
                source_person=person,
                target=people[(i % 7) + 1],
                kind="opinion",
                on=D,
            )
    return people


def test_a_hand_tie_is_refused_to_oneself_or_without_a_target(demo):
    person = _people(demo, GIRISEKAR, 1)[0]
    with pytest.raises(ValidationFailed):
        tie_record(
            organisation=demo.organisation, source_person=person, target=person, kind="advice", on=D
        )
    with pytest.raises(ValidationFailed):
        tie_record(organisation=demo.organisation, source_person=person, kind="advice", on=D)
    with pytest.raises(ValidationFailed):
        tie_record(
            organisation=demo.organisation,
            source_person=person,
            target_name="Pak X",
            kind="nonsense",
            on=D,
        )
    tie = tie_record(
        organisation=demo.organisation,
        source_person=person,
        target_name="Pak X",
        kind="advice",
        on=D,
    )
    assert tie.target is None and tie.village_id == GIRISEKAR


def test_ties_change_the_stored_figures_which_equal_the_analysis_library(demo, village):
    row = NetworkFigures.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)
    assert not row.stale and row.computed_at is not None
    nodes = node_table(organisation_id=demo.organisation.pk, village_code=GIRISEKAR)
    edges = tie_table(organisation_id=demo.organisation.pk, village_code=GIRISEKAR)
    network = InfluenceNetwork(kinds=KINDS).fit(edges, nodes)
    ranked = ChampionRanking().rank(NetworkMeasures(seed=0).compute(network))
    figures = row.figures
    assert figures["people"] == len(nodes) and figures["ties"] == len(network.edges_)
    assert [c["id"] for c in figures["champions"]] == [int(n) for n in ranked["node"][:20]]
    assert figures["champions"][0]["reason_id"] == ranked["reason_id"][0]
    assert figures["isolated_count"] == int((ranked["degree"] == 0).sum())


def test_derived_ties_are_weighted_by_how_often_people_met(demo):
    count = ties_derive(organisation=demo.organisation, village_code=GIRISEKAR)
    derived = Tie.objects.filter(
        organisation=demo.organisation,
        village_id=GIRISEKAR,
        source__in=["attendance", "membership", "household"],
    )
    assert count == derived.count() > 0
    assert derived.filter(source=Tie.Source.HOUSEHOLD, kind="kinship").exists()
    assert ties_derive(organisation=demo.organisation, village_code=GIRISEKAR) == count  # replaced


@given(st.dictionaries(st.integers(0, 5), st.lists(st.integers(0, 8), max_size=6), max_size=6))
def test_pair_weights_count_each_occasion_once(groups):
    pairs = _pair_weights(groups)
    for (a, b), weight in pairs.items():
        assert a < b
        assert weight == sum(1 for people in groups.values() if a in people and b in people)


def test_selectors_keep_to_the_facilitators_village(demo, village):
    own = demo.users["pendamping.girisekar"]
    other = demo.users["pendamping.sidoharjo"]
    org = demo.organisation.pk
    assert (
        ties_of(user=own, organisation_id=org, village_code=GIRISEKAR).filter(source="hand").count()
        == 14
    )
    assert ties_of(user=other, organisation_id=org, village_code=GIRISEKAR).count() == 0
    assert network_figures(user=other, organisation_id=org, village_code=GIRISEKAR) is None
    assert (
        network_figures(user=demo.users["pemantau"], organisation_id=org, village_code=GIRISEKAR)
        is None
    )  # viewers see no names


def test_a_critical_mass_run_is_stored_with_its_parameters(
    demo, village, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = critical_mass_run_start(
            programme=demo.programme,
            village_code=GIRISEKAR,
            strategy="cadres",
            target_percent=20,
            runs=20,
        )
    run.refresh_from_db()
    assert run.status == CriticalMassRun.Status.DONE, run.message
    assert run.parameters["runs"] == 20 and run.parameters["strategy"] == "cadres"
    assert run.result["people"] > 0
    with pytest.raises(ValidationFailed):
        critical_mass_run_start(
            programme=demo.programme, village_code=GIRISEKAR, strategy="nonsense", target_percent=20
        )
    assert critical_mass_runs(
        user=demo.users["pemantau"], programme=demo.programme, village_code=GIRISEKAR
    ) == [run]


def test_the_network_page_shows_champions_and_marks_a_cadre(
    demo, village, login, django_capture_on_commit_callbacks
):
    client = login("pendamping.girisekar")
    url = f"/jaringan/{demo.programme.pk}/{GIRISEKAR}/"
    page = client.get(url)
    assert page.status_code == 200
    figures = NetworkFigures.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)
    champion = next(c for c in figures.figures["champions"] if not c["cadre"])
    assert f'data-testid="mark-{champion["id"]}"' in page.text
    assert "<svg" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url + "kader/", {"person": champion["id"]})
    assert answer.status_code == 302
    assert Cadre.objects.filter(person_id=champion["id"], until__isnull=True).exists()
    figures.refresh_from_db()  # the figures were computed again: now a cadre
    assert next(c for c in figures.figures["champions"] if c["id"] == champion["id"])["cadre"]
    assert client.get(f"/jaringan/{demo.programme.pk}/{SIDOHARJO}/").status_code == 404


def test_the_tie_page_records_a_tie(demo, login, django_capture_on_commit_callbacks):
    a, b = _people(demo, GIRISEKAR, 2)
    client = login("pendamping.girisekar")
    url = f"/jaringan/{demo.programme.pk}/{GIRISEKAR}/ikatan/"
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            url, {"source": a.pk, "target": b.pk, "kind": "advice", "on": "2025-03-01"}
        )
    assert answer.status_code == 302
    assert Tie.objects.filter(source_person=a, target=b, source="hand").exists()
    assert (
        client.post(
            url, {"source": a.pk, "target": a.pk, "kind": "advice", "on": "2025-03-01"}
        ).status_code
        == 422
    )


def test_derive_and_simulate_views(demo, login, django_capture_on_commit_callbacks):
    client = login("manajer")
    base = f"/jaringan/{demo.programme.pk}/{GIRISEKAR}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(base + "turunkan/").status_code == 302
        answer = client.post(base + "simulasi/", {"strategy": "degree", "target": 30, "runs": 20})
    assert answer.status_code == 302
    page = client.get(f"/program/{demo.programme.pk}/massa-kritis/")
    assert page.status_code == 200
    assert 'data-testid="run-result"' in page.text


def test_survey_answers_round_trip_into_ties(demo):
    from berdaya.networks.survey import answers_of_member, survey_ties_record

    a, b, c = _people(demo, GIRISEKAR, 3)
    outsider = _people(demo, SIDOHARJO, 1)[0]
    nobody = Person.objects.order_by("-pk").first().pk + 1000
    network = {
        "advice_from": [str(b.pk), str(c.pk), str(a.pk), str(nobody)],
        "opinion_matters_names": "Mbah_Karto",
    }
    answers = answers_of_member(a.pk, network)
    assert len(answers) == 5
    assert answers_of_member(a.pk, {"advice_from": None, "opinion_matters_names": ""}) == []
    recorded = survey_ties_record(
        organisation=demo.organisation, village_code=GIRISEKAR, answers=answers, on=D
    )
    assert recorded == 3  # b, c and the free name; a naming themselves and no one dropped
    again = survey_ties_record(
        organisation=demo.organisation,
        village_code=GIRISEKAR,
        answers=[*answers, *answers_of_member(outsider.pk, {"advice_from": [str(a.pk)]})],
        on=D,
    )
    assert again == 3  # the same answers once; a respondent of another village is refused
    ties = Tie.objects.filter(source="survey", source_person=a, on=D)
    assert {t.target_id for t in ties} == {b.pk, c.pk, None}
    assert ties.get(target__isnull=True).target_name == "Mbah_Karto"


def test_the_drawing_has_coordinates_svg_can_read_in_indonesian(demo, village, login):
    """Django writes 58,97 for 58.97 in Indonesian; SVG needs the point, or every mark
    lands in the corner of the drawing."""
    import re

    page = login("pendamping.girisekar").get(f"/jaringan/{demo.programme.pk}/{GIRISEKAR}/")
    figures = NetworkFigures.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)
    drawing = figures.figures["drawing"]
    circles = re.findall(r'<circle cx="([^"]*)" cy="([^"]*)"', page.text)
    lines = re.findall(r'<line x1="([^"]*)" y1="([^"]*)" x2="([^"]*)" y2="([^"]*)"', page.text)
    assert len(circles) == len(drawing["nodes"]) > 0
    assert len(lines) == len(drawing["edges"])
    number = re.compile(r"\d+\.\d{2}")
    assert all(number.fullmatch(v) for pair in circles for v in pair)
    assert all(number.fullmatch(v) for line in lines for v in line)
    first = drawing["nodes"][0]
    assert (float(circles[0][0]), float(circles[0][1])) == pytest.approx((first["x"], first["y"]))
