"""A savings group of the demo village, with its book and an open cycle."""

from __future__ import annotations

import datetime
import itertools

import pytest

from berdaya.groups.models import Group
from berdaya.savings import services

START = datetime.date(2026, 1, 5)
_keys = itertools.count()


def key(prefix: str = "k") -> str:
    """A fresh idempotency key."""
    return f"{prefix}-{next(_keys)}"


@pytest.fixture
def manager(demo):
    return demo.users["manajer"]


@pytest.fixture
def arisan(demo):
    """The demo's arisan in Girisekar, without any book yet (the demo may have one)."""
    return Group.objects.get(name="Arisan Ibu-ibu Dusun Blimbing")


def fresh_group(demo, name: str, *, size: int = 6) -> Group:
    """A new savings group of `size` women of Girisekar (no books, no history)."""
    from berdaya.groups.services import group_create, group_member_add
    from berdaya.registry.models import Person

    user = demo.users["manajer"]
    group = group_create(
        user=user,
        organisation_id=demo.organisation.pk,
        village_code="34.03.06.2002",
        name=name,
        kind="savings",
        existed_before_programme=False,
        founded_on=START,
        programme=demo.programme,
    )
    people = Person.objects.filter(
        household__village_id="34.03.06.2002", sex="P", household__organisation=demo.organisation
    ).order_by("pk")[:size]
    for index, person in enumerate(people):
        role = ["chair", "secretary", "treasurer"][index] if index < 3 else "member"
        group_member_add(group=group, person=person, joined_on=START, role=role)
    return group


RULES = services.Rules(
    share_price=10_000,
    max_shares=5,
    social_fund_amount=2_000,
    loan_multiple=3,
    max_term_months=3,
    charge_method="flat",
    monthly_rate_bp=200,
    fine_absence=5_000,
    cycle_months=12,
)


@pytest.fixture
def vsla(demo, manager):
    """(group, book, cycle, members) of a fresh group with the RULES constitution."""
    group = fresh_group(demo, "Kelompok Simpan Pinjam Uji")
    book = services.book_open(user=manager, group=group)
    cycle = services.cycle_start(user=manager, book=book, started_on=START, rules=RULES)
    members = list(group.members.select_related("person").order_by("pk"))
    return group, book, cycle, members
