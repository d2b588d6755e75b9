import datetime
from fractions import Fraction

import pytest

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.groups.maturity import mean_score, stage_of
from berdaya.groups.services import (
    group_assess_maturity,
    group_create,
    group_member_add,
    group_member_leave,
    rubric_default,
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
