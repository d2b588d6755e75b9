"""Empowerment assessments and the self-reliance index, with worked examples."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.services import activity_record
from berdaya.learning import selfreliance, services
from berdaya.learning.models import EmpowermentAssessment
from berdaya.learning.selectors import practice as selectors
from berdaya.programmes.models import Cadre
from berdaya.programmes.services import cadre_end, cadre_mark
from berdaya.registry.models import Person

from .conftest import GIRISEKAR, SIDOHARJO

D = datetime.date


def test_the_composite_weights_the_known_parts_and_renormalises():
    """Worked example: initiative 3/5, money missing, institutions 1/2, cadres 2/3.

    Weights 3/10, 3/10, 2/10, 2/10; without money they sum to 7/10, so
    index = (3/10·3/5 + 2/10·1/2 + 2/10·2/3) ÷ 7/10 = (9/50 + 1/10 + 2/15) ÷ 7/10
          = (27 + 15 + 20)/150 ÷ 7/10 = 62/150 · 10/7 = 62/105 ≈ 59%.
    """
    shares = {
        "initiative": Fraction(3, 5),
        "money": None,
        "institutions": Fraction(1, 2),
        "cadres": Fraction(2, 3),
    }
    assert selfreliance.composite(shares) == Fraction(62, 105)
    # With every part known, the weights are used as they are (they sum to 1).
    assert selfreliance.composite({**shares, "money": Fraction(1, 4)}) == (
        Fraction(3, 10) * Fraction(3, 5)
        + Fraction(3, 10) * Fraction(1, 4)
        + Fraction(2, 10) * Fraction(1, 2)
        + Fraction(2, 10) * Fraction(2, 3)
    )
    assert selfreliance.composite(dict.fromkeys(shares)) is None
    assert sum(selfreliance.WEIGHTS.values()) == 1


def _activity(demo, user, *, initiated_by, held_on, kind="dialogue", group=None):
    return activity_record(
        user=user,
        programme=demo.programme,
        village_code=SIDOHARJO,
        kind=kind,
        title="Obrolan warga",
        held_on=held_on,
        initiated_by=initiated_by,
        stage="pendampingan",
        level="mezzo",
        group=group,
    )


def test_the_initiative_part_is_the_share_of_activities_the_community_started(demo):
    """Worked example: in 2028 Sidoharjo holds 5 activities, 3 started by its people."""
    user = demo.users["pendamping.sidoharjo"]
    for initiated_by in ("community", "group", "community", "facilitator", "external"):
        _activity(demo, user, initiated_by=initiated_by, held_on=D(2028, 3, 1))
    part = selfreliance.initiative(programme=demo.programme, village_codes=[SIDOHARJO], year=2028)
    assert (part.numerator, part.denominator, part.share) == (3, 5, Fraction(3, 5))


def test_the_money_part_is_missing_in_a_year_with_no_ledger_money(demo):
    result = selfreliance.self_reliance(
        programme=demo.programme, village_codes=[GIRISEKAR], year=2031
    )
    assert "money" in [p.key for p in result.missing]
    known = {p.key: p.share for p in result.parts}
    assert result.composite == selfreliance.composite(known)


def test_the_money_part_is_the_ledgers_share_of_money_from_inside(demo):
    """The demo's books: the part equals internal ÷ (internal + external) money of the
    savings ledger for the programme's villages in that year, goods in kind left out."""
    from berdaya.savings.models import Transaction

    codes = [GIRISEKAR, SIDOHARJO]
    years = Transaction.objects.filter(book__programme=demo.programme).dates("occurred_on", "year")
    assert years, "the demo has a year of savings"
    year = years[0].year
    inflows = Transaction.objects.filter(
        book__programme=demo.programme,
        book__village_id__in=codes,
        occurred_on__year=year,
        in_kind=False,
    ).exclude(origin="")
    inside = sum(t.inflow for t in inflows if t.origin == Transaction.Origin.INTERNAL)
    total = sum(t.inflow for t in inflows)
    assert 0 < inside < total  # the demo's funds have money from outside too
    part = next(
        p
        for p in selfreliance.self_reliance(
            programme=demo.programme, village_codes=codes, year=year
        ).parts
        if p.key == "money"
    )
    assert (part.numerator, part.denominator) == (inside, total)


def test_the_institutions_part_counts_groups_that_met_and_were_assessed(demo):
    """Worked example: of Sidoharjo's two groups in 2028, one meets and is assessed."""
    from berdaya.groups.models import Group
    from berdaya.groups.services import group_assess_maturity, rubric_default

    user = demo.users["pendamping.sidoharjo"]
    farmers, weavers = Group.objects.filter(
        programme=demo.programme, village_id=SIDOHARJO
    ).order_by("pk")
    _activity(
        demo, user, initiated_by="group", held_on=D(2028, 2, 5), kind="group_meeting", group=farmers
    )
    _activity(
        demo, user, initiated_by="group", held_on=D(2028, 4, 5), kind="group_meeting", group=weavers
    )
    rubric = rubric_default(programme=demo.programme)
    scores = {c.key: (3, "rapat rutin") for c in rubric.criteria.all()}
    group_assess_maturity(group=farmers, rubric=rubric, assessed_on=D(2028, 5, 1), scores=scores)
    part = selfreliance.institutions(programme=demo.programme, village_codes=[SIDOHARJO], year=2028)
    assert (part.numerator, part.denominator) == (1, 2)  # the weavers met but were not assessed


def test_the_cadres_part_is_the_share_still_active_at_the_end_of_the_year(demo):
    """Worked example: Sidoharjo's two demo cadres, plus one named and one who stopped in 2028."""
    before = Cadre.objects.filter(
        organisation=demo.organisation, person__household__village_id=SIDOHARJO
    ).count()
    people = (
        Person.objects.filter(organisation=demo.organisation, household__village_id=SIDOHARJO)
        .exclude(cadre_roles__isnull=False)
        .order_by("pk")[:2]
    )
    kept = cadre_mark(
        organisation=demo.organisation, person=people[0], since=D(2028, 1, 10), why="Kader baru"
    )
    gone = cadre_mark(
        organisation=demo.organisation, person=people[1], since=D(2028, 1, 10), why="Kader"
    )
    cadre_end(cadre=gone, until=D(2028, 6, 30))
    part = selfreliance.cadres(programme=demo.programme, village_codes=[SIDOHARJO], year=2028)
    assert (part.numerator, part.denominator) == (before + 1, before + 2)
    assert kept.until is None


def _scores(rubric, value=3, evidence="Dilihat di pertemuan"):
    return {d.key: (value, evidence) for d in rubric.domains.all()}


def test_laverack_is_the_default_rubric_with_nine_domains(demo):
    rubric = services.rubric_current(programme=demo.programme)
    assert rubric.framework == "laverack"
    assert rubric.domains.count() == 9


def test_an_assessment_needs_every_domain_with_evidence(demo, facilitator):
    rubric = services.rubric_current(programme=demo.programme)
    before = EmpowermentAssessment.objects.count()
    arguments = {
        "user": facilitator,
        "programme": demo.programme,
        "village_code": GIRISEKAR,
        "rubric": rubric,
        "assessed_on": D(2026, 11, 1),
        "participants": "Musyawarah dusun",
    }
    scores = _scores(rubric)
    scores["asking_why"] = (4, " ")
    with pytest.raises(ValidationFailed) as refused:
        services.empowerment_assess(**arguments, scores=scores)
    assert refused.value.field == "asking_why"
    assert "bukti" in refused.value.message
    with pytest.raises(ValidationFailed):
        services.empowerment_assess(**arguments, scores=_scores(rubric, value=6))
    with pytest.raises(ValidationFailed) as refused:
        services.empowerment_assess(**{**arguments, "participants": ""}, scores=_scores(rubric))
    assert refused.value.field == "participants"
    assert EmpowermentAssessment.objects.count() == before


def test_switching_to_ife_keeps_the_old_version(demo, manager, facilitator):
    old = services.rubric_current(programme=demo.programme)
    with pytest.raises(PermissionDenied):
        services.rubric_adopt(
            programme=demo.programme, framework="ife", reason="Coba", user=facilitator
        )
    new = services.rubric_adopt(
        programme=demo.programme, framework="ife", reason="Panel ingin dimensi Ife", user=manager
    )
    assert new.domains.count() == 7
    assert services.rubric_current(programme=demo.programme) == new
    assert old.assessments.exists()  # the demo's assessments keep Laverack's rubric


def test_the_demo_trend_shows_two_years_per_village(demo, manager):
    trends = selectors.empowerment_trends(user=manager, programme=demo.programme)
    girisekar = next(t for t in trends if t.subject == "Girisekar")
    assert girisekar.years == [2025, 2026]
    assert girisekar.overall[0] == Fraction(14, 9)  # (2+2+2+1+2+1+2+1+1) / 9
    assert girisekar.overall[1] == Fraction(23, 9)
