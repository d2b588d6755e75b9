import datetime
from fractions import Fraction

import pytest

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.groups.maturity import mean_score, stage_of
from berdaya.groups.models import MaturityRubric
from berdaya.groups.selectors import current_rubric, rubric_versions
from berdaya.groups.services import (
    DEFAULT_CRITERIA,
    CriterionInput,
    group_assess_maturity,
    group_create,
    group_member_add,
    group_member_leave,
    rubric_default,
    rubric_revise,
)
from berdaya.registry.models import Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
ON = datetime.date(2025, 6, 1)


def _group(demo):
    return group_create(
        user=demo.users["pendamping.girisekar"],
        organisation_id=demo.organisation.pk,
        village_code=GIRISEKAR,
        name="KWT Sekar Arum",
        kind="women",
        existed_before_programme=True,
        programme=demo.programme,
    )


def test_groups_are_made_in_ones_own_village_with_members_from_it(demo):
    with pytest.raises(PermissionDenied):
        group_create(
            user=demo.users["pendamping.girisekar"],
            organisation_id=demo.organisation.pk,
            village_code=SIDOHARJO,
            name="X",
            kind="arisan",
            existed_before_programme=False,
        )
    group = _group(demo)
    member = Person.objects.filter(household__village_id=GIRISEKAR).first()
    membership = group_member_add(group=group, person=member, joined_on=ON, role="treasurer")
    with pytest.raises(ValidationFailed):
        group_member_add(group=group, person=member, joined_on=ON)  # already in
    with pytest.raises(ValidationFailed):
        group_member_add(
            group=group,
            person=Person.objects.filter(household__village_id=SIDOHARJO).first(),
            joined_on=ON,
        )
    with pytest.raises(ValidationFailed):
        group_member_leave(membership=membership, left_on=ON - datetime.timedelta(days=1))
    group_member_leave(membership=membership, left_on=ON)
    group_member_add(group=group, person=member, joined_on=ON)  # may join again


def test_an_assessment_scores_every_criterion_from_1_to_4(demo):
    group = _group(demo)
    rubric = rubric_default(programme=demo.programme)
    keys = list(rubric.criteria.values_list("key", flat=True))
    with pytest.raises(ValidationFailed):
        group_assess_maturity(group=group, rubric=rubric, assessed_on=ON, scores={keys[0]: (3, "")})
    with pytest.raises(ValidationFailed):
        group_assess_maturity(
            group=group, rubric=rubric, assessed_on=ON, scores={k: (5, "") for k in keys}
        )
    assessment = group_assess_maturity(
        group=group,
        rubric=rubric,
        assessed_on=ON,
        scores={k: (2, "notulen rapat ada") for k in keys},
    )
    assert assessment.scores.count() == len(keys) == 6


@pytest.mark.parametrize(
    ("scores", "stage"),
    [
        ([1, 1, 1, 1], "forming"),
        ([2, 2, 2, 1], "developing"),  # mean 7/4: exactly the boundary counts
        ([2, 2, 1, 1], "forming"),  # mean 3/2
        ([2, 2, 2, 2, 2, 1], "developing"),  # mean 11/6
        ([3, 3, 2, 2], "maturing"),  # mean 5/2
        ([4, 3, 3, 3], "independent"),  # mean 13/4
        ([4, 3, 3, 2], "maturing"),  # mean 3
    ],
)
def test_stage_labels_at_their_boundaries(scores, stage):
    assert stage_of(scores)[0] == stage
    assert mean_score([2, 2, 2, 1]) == Fraction(7, 4)


# -- the programme's rubric: configurable, versioned -------------------------------------------


def _criteria(*labels):
    return [CriterionInput(label, f"{label}: 1 = not yet … 4 = fully") for label in labels]


def test_a_manager_changes_the_rubric_and_old_assessments_keep_theirs(demo):
    manager = demo.users["manajer"]
    group = _group(demo)
    first = rubric_default(programme=demo.programme)
    old_keys = list(first.criteria.values_list("key", flat=True))
    kept_label = first.criteria.get(key="finance").label
    assessed = group_assess_maturity(
        group=group,
        rubric=first,
        assessed_on=ON,
        scores={key: (2, "") for key in old_keys},
    )

    second = rubric_revise(
        programme=demo.programme,
        name="Kematangan KUBE",
        criteria=_criteria(kept_label, "Usaha bersama: untung dibagi sesuai aturan"),
        reason="Program fokus pada usaha bersama",
        user=manager,
    )

    assert rubric_default(programme=demo.programme) == second  # the newest is current
    assert current_rubric(demo.programme.pk) == second
    # An unchanged label keeps its key, so the criterion stays comparable.
    assert list(second.criteria.values_list("key", flat=True)) == [
        "finance",
        "usaha-bersama-untung-dibagi-sesuai",
    ]
    assessed.refresh_from_db()
    assert assessed.rubric == first
    assert sorted(assessed.scores.values_list("criterion__key", flat=True)) == sorted(old_keys)
    versions = rubric_versions(demo.programme.pk)
    assert [v.pk for v in versions][:2] == [second.pk, first.pk]
    assert {v.pk: v.times_used for v in versions}[first.pk] >= 1
    # The next assessment is scored against the new criteria only.
    with pytest.raises(ValidationFailed):
        group_assess_maturity(
            group=group, rubric=second, assessed_on=ON, scores={k: (3, "") for k in old_keys}
        )


@pytest.mark.parametrize(
    ("name", "labels", "reason", "field"),
    [
        ("", ("A", "B"), "why", "name"),
        ("R", ("Only one",), "why", "criteria"),
        ("R", tuple(f"C{n}" for n in range(13)), "why", "criteria"),
        ("R", ("Same", "same "), "why", "criteria"),
        ("R", ("A", "B"), "  ", "reason"),  # a later version says why
    ],
)
def test_a_bad_rubric_is_refused_and_nothing_is_written(demo, name, labels, reason, field):
    rubric_default(programme=demo.programme)
    before = MaturityRubric.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        rubric_revise(
            programme=demo.programme,
            name=name,
            criteria=_criteria(*labels),
            reason=reason,
            user=demo.users["manajer"],
        )
    assert refused.value.field == field
    assert MaturityRubric.objects.count() == before


def test_an_unchanged_rubric_is_not_saved_again(demo):
    current = rubric_default(programme=demo.programme)
    rows = [CriterionInput(c.label, c.guidance) for c in current.criteria.all()]
    with pytest.raises(ValidationFailed, match=r"Nothing changed|Tidak ada"):
        rubric_revise(
            programme=demo.programme,
            name=current.name,
            criteria=rows,
            reason="again",
            user=demo.users["manajer"],
        )


@pytest.mark.parametrize("username", ["pendamping.girisekar", "pemantau"])
def test_only_managers_change_the_rubric(demo, username):
    with pytest.raises(PermissionDenied):
        rubric_revise(
            programme=demo.programme,
            name="R",
            criteria=_criteria("A", "B"),
            reason="why",
            user=demo.users[username],
        )


def test_the_default_rubric_is_stored_in_indonesian(db, demo):
    from berdaya.programmes.models import Programme

    fresh = Programme.objects.create(
        organisation=demo.organisation,
        name="Program baru",
        start_date=demo.programme.start_date,
        planned_duration_months=36,
    )
    rubric = rubric_default(programme=fresh)
    labels = list(rubric.criteria.values_list("label", flat=True))
    assert len(labels) == len(DEFAULT_CRITERIA)
    assert labels[0].startswith("Tata kelola")
