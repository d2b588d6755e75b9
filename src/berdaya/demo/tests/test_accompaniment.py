"""The demo's year of accompaniment: enough on every page, and the story it should tell."""

from __future__ import annotations

import datetime
from fractions import Fraction

from berdaya.facilitation.models import Activity, Attendance, GuestCount
from berdaya.facilitation.selectors import community_initiative_share
from berdaya.groups.models import Group
from berdaya.planning.models import ActionTask, Evaluation, PlanningCycle
from berdaya.planning.services import count
from berdaya.programmes.models import Cadre, PlanRevision, ProgrammeVillage

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"


def test_a_year_of_activities_in_both_villages(demo):
    activities = Activity.objects.filter(organisation=demo.organisation)
    assert 40 <= activities.count() <= 60
    assert set(activities.values_list("village_id", flat=True)) == {GIRISEKAR, SIDOHARJO}
    held = activities.filter(held_on__lt=datetime.date(2026, 11, 1))
    first, last = held.order_by("held_on").first(), held.order_by("held_on").last()
    assert (last.held_on - first.held_on).days > 330
    assert len(set(held.values_list("kind", flat=True))) >= 6
    assert Attendance.objects.filter(activity__in=held).count() > 400
    assert GuestCount.objects.filter(activity__in=held).exists()
    # The community takes the lead over the months.
    early = list(held.filter(held_on__lt=datetime.date(2026, 3, 1)))
    late = list(held.filter(held_on__gte=datetime.date(2026, 7, 1)))
    assert community_initiative_share(late) > community_initiative_share(early)


def test_one_full_six_stage_plan_in_girisekar(demo):
    cycle = PlanningCycle.objects.get(organisation=demo.organisation, village_id=GIRISEKAR)
    assert cycle.step == PlanningCycle.Step.EVALUATION
    assert cycle.problems.count() == 6 and cycle.problems.filter(tree__isnull=False).exists()
    result = count(cycle, list(cycle.votes.all()))
    assert result.voters == 15 and result.abstentions == 1 and len(result.late) == 1
    assert ActionTask.objects.filter(solution__problem__cycle=cycle).count() == 6
    assert Evaluation.objects.filter(task__solution__problem__cycle=cycle).count() == 4


def test_groups_with_members_and_two_assessments_each(demo):
    groups = Group.objects.filter(organisation=demo.organisation)
    assert {g.kind for g in groups} >= {"arisan", "kube", "farmers"}
    assert {g.existed_before_programme for g in groups} == {True, False}
    for group in groups:
        assert group.members.filter(left_on__isnull=True).count() >= 8
        assert group.assessments.count() == 2
        assert group.meetings.count() >= 3  # meetings are activities of the group


def test_cadres_targets_and_a_revised_programme_plan(demo):
    assert Cadre.objects.filter(organisation=demo.organisation).count() == 5
    targets = dict(
        ProgrammeVillage.objects.filter(programme=demo.programme).values_list(
            "village_id", "empowered_target_percent"
        )
    )
    assert targets == {GIRISEKAR: 25, SIDOHARJO: 20}
    revision = PlanRevision.objects.get(programme=demo.programme)
    assert revision.reason and len(revision.previous_phases) == 5
    assert Fraction(demo.programme.phases.count(), 5) == 1
