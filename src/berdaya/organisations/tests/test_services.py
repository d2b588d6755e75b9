"""Roles and facilitator assignments."""

from __future__ import annotations

import pytest

from berdaya.areas.models import Village
from berdaya.core.access import village_codes_for
from berdaya.core.errors import NotFound, ValidationFailed
from berdaya.demo.community import GIRISEKAR, SIDOHARJO, VILLAGES
from berdaya.organisations.models import Membership, Role, VillageAssignment
from berdaya.organisations.services import (
    facilitator_assign,
    membership_grant,
    organisation_create,
)


def _membership(demo, username: str) -> Membership:
    return Membership.objects.get(user=demo.users[username], organisation=demo.organisation)


def _fresh_user(demo, username: str = "pendamping.baru"):
    from berdaya.core.models import User

    return User.objects.create(username=username)


def test_a_facilitator_is_assigned_to_a_village_of_the_organisations_programme(demo):
    membership = _membership(demo, "pendamping.girisekar")
    assignment = facilitator_assign(membership=membership, village_code="3403072003")
    assert assignment.village_id == SIDOHARJO
    assert set(
        VillageAssignment.objects.filter(membership=membership).values_list("village", flat=True)
    ) == {GIRISEKAR, SIDOHARJO}


def test_assigning_the_same_village_twice_keeps_one_assignment(demo):
    membership = _membership(demo, "pendamping.girisekar")
    facilitator_assign(membership=membership, village_code=GIRISEKAR)
    assert VillageAssignment.objects.filter(membership=membership, village=GIRISEKAR).count() == 1


@pytest.mark.parametrize("username", ["admin", "manajer", "pemantau"])
def test_only_facilitators_are_assigned_to_villages(demo, username):
    membership = _membership(demo, username)
    with pytest.raises(ValidationFailed) as caught:
        facilitator_assign(membership=membership, village_code=GIRISEKAR)
    assert caught.value.field == "role"
    assert not VillageAssignment.objects.filter(membership=membership).exists()


def test_a_village_outside_the_organisations_programmes_is_refused(demo):
    outside = (
        Village.objects.filter(code__startswith="34.").exclude(code__in=VILLAGES).order_by("code")
    ).first()
    membership = _membership(demo, "pendamping.girisekar")
    before = set(membership.assignments.values_list("village", flat=True))

    with pytest.raises(ValidationFailed) as caught:
        facilitator_assign(membership=membership, village_code=outside.code)

    assert caught.value.field == "village"
    assert outside.name in caught.value.message
    assert set(membership.assignments.values_list("village", flat=True)) == before
    assert outside.code not in village_codes_for(demo.users["pendamping.girisekar"])


def test_a_village_of_another_organisations_programme_is_refused(demo):
    from berdaya.programmes.services import programme_create

    other = organisation_create(name="Yayasan Lain", kind="ngo")
    outside = Village.objects.filter(code__startswith="34.").exclude(code__in=VILLAGES).first()
    programme_create(
        organisation=other,
        name="Program Lain",
        start_date=demo.programme.start_date,
        planned_duration_months=36,
        village_codes=[outside.code],
    )
    with pytest.raises(ValidationFailed):
        facilitator_assign(
            membership=_membership(demo, "pendamping.girisekar"), village_code=outside.code
        )


def test_an_unknown_village_code_is_refused_as_not_found(demo):
    with pytest.raises(NotFound) as caught:
        facilitator_assign(
            membership=_membership(demo, "pendamping.girisekar"), village_code="34.03.06.2999"
        )
    assert "34.03.06.2999" in caught.value.message


def test_making_a_facilitator_a_manager_drops_their_village_assignments(demo):
    user = demo.users["pendamping.girisekar"]
    membership = _membership(demo, "pendamping.girisekar")
    assert membership.assignments.exists()

    changed = membership_grant(user=user, organisation=demo.organisation, role=Role.MANAGER)

    assert changed.pk == membership.pk
    assert changed.role == Role.MANAGER
    assert not VillageAssignment.objects.filter(membership=membership).exists()
    assert Membership.objects.filter(user=user, organisation=demo.organisation).count() == 1


def test_a_facilitator_made_manager_and_back_has_no_villages_until_assigned_again(demo):
    user = demo.users["pendamping.girisekar"]
    membership_grant(user=user, organisation=demo.organisation, role=Role.MANAGER)
    membership = membership_grant(user=user, organisation=demo.organisation, role=Role.FACILITATOR)

    assert not membership.assignments.exists()
    user = type(user).objects.get(pk=user.pk)  # no cached grants
    assert village_codes_for(user) == frozenset()


def test_granting_facilitator_again_keeps_the_assignments(demo):
    user = demo.users["pendamping.girisekar"]
    membership = membership_grant(user=user, organisation=demo.organisation, role=Role.FACILITATOR)
    assert list(membership.assignments.values_list("village", flat=True)) == [GIRISEKAR]


def test_an_unknown_role_is_refused(demo):
    with pytest.raises(ValidationFailed) as caught:
        membership_grant(user=_fresh_user(demo), organisation=demo.organisation, role="owner")
    assert caught.value.field == "role"
    assert not Membership.objects.filter(user__username="pendamping.baru").exists()
