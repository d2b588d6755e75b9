"""Graduation readiness, the Rothman placement and learning reviews, with worked examples."""

from __future__ import annotations

import datetime
from fractions import Fraction
from types import SimpleNamespace

import pytest

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.learning import graduation, rothman, services
from berdaya.learning.models import GraduationAssessment, GraduationPathway, LearningReview
from berdaya.programmes.models import PlanRevision
from berdaya.registry.models import Household

from .conftest import GIRISEKAR, SIDOHARJO

D = datetime.date
WEIGHTS = [w for _k, _l, _m, w, _r, _c in graduation.BRAC_HOUSEHOLD]


def test_readiness_is_the_weighted_mean_of_the_scores():
    """Worked example on the BRAC pathway (weights 3,2,1,2,1,1,1,2,2,1; Σ = 16):

    food 100, income 50, livestock 100, savings 0, latrine 100, water 100, roof 0,
    school 100, no child marriage 100, family planning 50
    → (300 + 100 + 100 + 0 + 100 + 100 + 0 + 200 + 200 + 50) ÷ 16 = 1150/16 = 71.875.
    """
    scores = [100, 50, 100, 0, 100, 100, 0, 100, 100, 50]
    assert sum(WEIGHTS) == 16
    assert graduation.readiness(list(zip(scores, WEIGHTS, strict=True))) == Fraction(575, 8)
    assert graduation.readiness([]) is None


def _household(**survey):
    members = survey.pop("members", [])
    return SimpleNamespace(
        latest_survey=SimpleNamespace(
            **{
                "cattle": None,
                "goats": None,
                "poultry": None,
                "sanitation": "",
                "water": "",
                "roof": "",
                **survey,
            }
        ),
        members=SimpleNamespace(all=lambda: members),
    )


def _person(age, *, school=None, marital=""):
    on = D(2026, 10, 1)
    return SimpleNamespace(
        status="present",
        birth_date=on.replace(year=on.year - age) - datetime.timedelta(days=10),
        attending_school=school,
        marital_status=marital,
    )


def test_computed_criteria_read_the_latest_survey_and_the_members():
    on = D(2026, 10, 1)
    score = graduation.computed_score
    assert score("roof", _household(roof="thatch"), on=on) == 0
    assert score("roof", _household(roof="tile"), on=on) == 100
    assert score("roof", _household(), on=on) is None  # not surveyed: asked instead
    assert score("livestock", _household(goats=2), on=on) == 100
    assert score("livestock", _household(cattle=0, goats=0, poultry=0), on=on) == 0
    assert score("water", _household(water="rain"), on=on) == 100
    assert score("water", _household(water="surface"), on=on) == 0
    assert score("sanitation", _household(sanitation="pit"), on=on) == 0
    school = [_person(9, school=True), _person(14, school=False), _person(40)]
    assert score("school", _household(members=school), on=on) == 0
    assert score("school", _household(members=[_person(40)]), on=on) == 100
    assert score("school", _household(members=[_person(9)]), on=on) is None
    married_girl = [_person(16, marital="married"), _person(45, marital="married")]
    assert score("child_marriage", _household(members=married_girl), on=on) == 0


@pytest.fixture
def pathway(demo):
    return GraduationPathway.objects.get(programme=demo.programme, level="household")


def _assess(pathway, user, household, **overrides):
    scores = {c.key: (100, "Dicek") for c in pathway.criteria.all()}
    scores.update(overrides)
    return services.graduation_assess(
        user=user,
        pathway=pathway,
        village_code=household.village_id,
        household=household,
        assessed_on=D(2026, 11, 2),
        scores=scores,
    )


def test_a_failed_required_criterion_blocks_graduation_whatever_the_readiness(
    demo, pathway, facilitator
):
    household = Household.objects.filter(
        organisation=demo.organisation, village_id=GIRISEKAR
    ).last()
    assessment = _assess(
        pathway, facilitator, household, food=(50, "Masih kurang makan di paceklik")
    )
    readiness = graduation.readiness(
        [(s.score, s.criterion.weight) for s in assessment.scores.select_related("criterion")]
    )
    assert readiness > 50  # most criteria met, yet the food criterion is required
    with pytest.raises(ValidationFailed) as refused:
        services.graduation_recommend(
            assessment=assessment, decision="graduate", reason="Siap", user=facilitator
        )
    assert "kriteria wajib" in refused.value.message
    assert GraduationAssessment.objects.get(pk=assessment.pk).decision == ""
    services.graduation_recommend(
        assessment=assessment, decision="extend", reason="Pangan belum aman", user=facilitator
    )


def test_approval_is_by_another_person_and_monitoring_follows_it(
    demo, pathway, facilitator, manager
):
    household = Household.objects.filter(
        organisation=demo.organisation, village_id=GIRISEKAR
    ).last()
    assessment = _assess(pathway, facilitator, household)
    with pytest.raises(ValidationFailed):
        services.post_exit_visit(
            assessment=assessment,
            visited_on=D(2026, 12, 1),
            status="holding",
            note="x",
            user=facilitator,
        )
    services.graduation_recommend(
        assessment=assessment, decision="exit", reason="Program keluar dari dusun", user=manager
    )
    with pytest.raises(ValidationFailed):  # the recommender does not approve their own
        services.graduation_approve(assessment=assessment, approved_on=D(2026, 11, 5), user=manager)
    with pytest.raises(PermissionDenied):
        services.graduation_approve(
            assessment=assessment, approved_on=D(2026, 11, 5), user=facilitator
        )


def test_the_household_must_be_in_the_village(demo, pathway, facilitator):
    other = Household.objects.filter(organisation=demo.organisation, village_id=SIDOHARJO).first()
    with pytest.raises(ValidationFailed):
        services.graduation_assess(
            user=facilitator,
            pathway=pathway,
            village_code=GIRISEKAR,
            household=other,
            assessed_on=D(2026, 11, 2),
            scores={},
        )


def test_the_demo_graduated_one_household_and_visited_it(demo):
    graduated = GraduationAssessment.objects.get(
        pathway__programme=demo.programme, decision="graduate"
    )
    assert graduated.approved_on is not None
    assert graduated.visits.count() == 1
    assert GraduationAssessment.objects.filter(pathway__programme=demo.programme).count() == 12


def test_the_rothman_placement_worked_example():
    """Ten variables answered A, variable 7 "A and B", variable 12 "A and C":
    A = (10 + ½ + ½)/12 = 11/12, B = ½/12 = 1/24, C = 1/24; A dominates, so the
    practitioner is an enabler, catalyst, coordinator and teacher (seed 004)."""
    answers = {n: ["A"] for n in range(1, 13)}
    answers[7], answers[12] = ["A", "B"], ["A", "C"]
    placed = rothman.placement(answers)
    assert placed.shares == {"A": Fraction(11, 12), "B": Fraction(1, 24), "C": Fraction(1, 24)}
    assert sum(placed.shares.values()) == 1
    assert placed.dominant == ["A"]
    from django.utils import translation

    with translation.override("id"):
        assert placed.roles[0] == "pemercepat (enabler)"

    log = [
        SimpleNamespace(
            kind="hearing", stage="pendampingan", strategies=["advocacy"], level="macro"
        ),
        SimpleNamespace(
            kind="dialogue", stage="pendampingan", strategies=["advocacy"], level="mezzo"
        ),
        SimpleNamespace(kind="visit", stage="pemetaan", strategies=[], level="micro"),
        SimpleNamespace(
            kind="fgd", stage="pendampingan", strategies=["participation"], level="mezzo"
        ),
    ]
    seen = rothman.observed(log)
    assert seen.shares == {"A": Fraction(1, 4), "B": Fraction(1, 4), "C": Fraction(1, 2)}
    assert (seen.macro_share, seen.advocacy_share) == (Fraction(1, 4), Fraction(1, 2))
    # A: 11/12 stated vs 1/4 seen, C: 1/24 vs 1/2 → both flagged; B differs by 5/24 < 1/4.
    assert [m for m, _s, _o in rothman.gaps(placed, seen)] == ["A", "C"]


def test_a_tie_gives_both_models_roles():
    answers = {n: ["A"] if n <= 6 else ["C"] for n in range(1, 13)}
    placed = rothman.placement(answers)
    assert placed.dominant == ["A", "C"]


def test_the_rothman_table_has_the_seeds_twelve_variables():
    assert [v.number for v in rothman.VARIABLES] == list(range(1, 13))
    assert rothman.VARIABLES[9].c == "“Korban”"
    assert rothman.VARIABLES[7].a == "Keseluruhan komunitas geografis"


def test_every_variable_must_be_answered(demo, manager):
    with pytest.raises(ValidationFailed) as refused:
        services.rothman_answer(
            programme=demo.programme, answered_on=D(2026, 11, 1), answers={1: ["A"]}, user=manager
        )
    assert refused.value.field == "v2"


def test_a_review_needs_what_failed_and_can_be_cited_by_a_plan_revision(demo, facilitator, manager):
    arguments = {
        "user": facilitator,
        "programme": demo.programme,
        "village_code": GIRISEKAR,
        "held_on": D(2026, 11, 1),
        "what_worked": "Arisan jalan",
        "what_failed": "",
        "why": "Musim tanam",
        "what_changes": "Jadwal baru",
    }
    before = LearningReview.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        services.review_record(**arguments)
    assert refused.value.field == "what_failed"
    assert LearningReview.objects.count() == before
    review = LearningReview.objects.filter(programme=demo.programme, village_id=GIRISEKAR).first()
    revision = PlanRevision.objects.get(programme=demo.programme)
    assert revision.review == review  # the demo's revision came out of its review
    assert list(review.plan_revisions.all()) == [revision]


def test_an_approved_exit_is_monitored_afterwards(demo, pathway, facilitator, manager):
    household = Household.objects.filter(
        organisation=demo.organisation, village_id=GIRISEKAR
    ).last()
    assessment = _assess(pathway, facilitator, household)
    services.graduation_recommend(
        assessment=assessment, decision="exit", reason="Program keluar dari dusun", user=facilitator
    )
    services.graduation_approve(assessment=assessment, approved_on=D(2026, 11, 5), user=manager)
    with pytest.raises(ValidationFailed):
        services.post_exit_visit(
            assessment=assessment,
            visited_on=D(2026, 11, 5),
            status="holding",
            note="x",
            user=facilitator,
        )
    visit = services.post_exit_visit(
        assessment=assessment,
        visited_on=D(2026, 12, 1),
        status="slipping",
        note="Tabungan berkurang",
        user=facilitator,
    )
    assert visit.status == "slipping"


def test_a_village_exit_pathway_and_its_approved_exit_limit_the_institutions_part(demo, manager):
    """After an approved village exit, only meetings held after the exit count."""
    from berdaya.learning import selfreliance
    from berdaya.learning.models import GraduationAssessment

    pathway = services.pathway_create(
        programme=demo.programme,
        level="village",
        name="Keluar dari desa",
        monitor_months=24,
        criteria=[("Kelompok bertemu tanpa pendamping", "observed", 2, True)],
        user=manager,
    )
    before = selfreliance.institutions(
        programme=demo.programme, village_codes=[SIDOHARJO], year=2026
    )
    assessment = services.graduation_assess(
        user=manager,
        pathway=pathway,
        village_code=SIDOHARJO,
        assessed_on=D(2026, 11, 1),
        scores={pathway.criteria.get().key: (100, "Pertemuan berjalan")},
    )
    services.graduation_recommend(
        assessment=assessment, decision="exit", reason="Tahap keluar", user=manager
    )
    services.graduation_approve(
        assessment=assessment, approved_on=D(2026, 11, 2), user=demo.users["admin"]
    )
    after = selfreliance.institutions(
        programme=demo.programme, village_codes=[SIDOHARJO], year=2026
    )
    assert before.numerator > 0
    assert after.numerator == 0  # no group meeting was recorded after 2 November 2026
    assert GraduationAssessment.objects.get(pk=assessment.pk).approved_by == demo.users["admin"]
