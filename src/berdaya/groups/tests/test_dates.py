"""Dates a group keeps must be possible: not founded in the future, nobody joins before it
existed or in the future, nobody leaves in the future (issue 16)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from berdaya.core.errors import ValidationFailed
from berdaya.groups.models import Group, GroupMember
from berdaya.groups.services import group_create, group_member_add, group_member_leave
from berdaya.registry.models import Person

GIRISEKAR = "34.03.06.2002"


def _group(demo, founded_on):
    return group_create(
        user=demo.users["pendamping.girisekar"],
        organisation_id=demo.organisation.pk,
        village_code=GIRISEKAR,
        name="Kelompok Uji Tanggal",
        kind="kube",
        existed_before_programme=False,
        founded_on=founded_on,
    )


def test_a_group_founded_in_the_future_is_refused(demo):
    with pytest.raises(ValidationFailed) as refused:
        _group(demo, datetime.date(2031, 1, 1))
    assert refused.value.field == "founded_on"
    assert not Group.objects.filter(name="Kelompok Uji Tanggal").exists()


def test_nobody_joins_before_the_group_existed_or_in_the_future(demo):
    group = _group(demo, datetime.date(2026, 3, 1))
    person = Person.objects.filter(household__village_id=GIRISEKAR, status="present").first()
    for day in (datetime.date(2026, 2, 28), timezone.localdate() + datetime.timedelta(days=1)):
        with pytest.raises(ValidationFailed) as refused:
            group_member_add(group=group, person=person, joined_on=day)
        assert refused.value.field == "joined_on"
    assert not GroupMember.objects.filter(group=group).exists()
    membership = group_member_add(group=group, person=person, joined_on=datetime.date(2026, 3, 1))
    with pytest.raises(ValidationFailed):
        group_member_leave(
            membership=membership, left_on=timezone.localdate() + datetime.timedelta(days=1)
        )
