"""The breach drill: from the personal-data account, whose data a user or a token touched.

UU PDP No. 27/2022 art. 46 obliges the controller to notify data subjects within 3 x 24
hours of a failure of protection. When a password or a token is known or suspected to be
stolen, this answers the first question: which persons' data did that account reach, how,
and when. It reads `core.PersonalDataAccess` only (append-only, see core migration 0004).

* reads through the API, reveals and data-subject requests name their objects: a
  household's persons are counted as touched (the household record shows its members);
* an export names no rows (it followed the list's filters): it is reported as an export of
  N rows, and everyone the account could see then must be treated as possibly affected.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from berdaya.core.models import PersonalDataAccess

from .models import Person

EXPORTS = {PersonalDataAccess.Action.EXPORT, PersonalDataAccess.Action.EXPORT_IDENTIFIED}


@dataclass
class Touched:
    person_id: int
    household_id: int
    village_code: str
    actions: set[str] = field(default_factory=set)
    first: datetime.datetime | None = None
    last: datetime.datetime | None = None


@dataclass
class BreachReport:
    accesses: int
    persons: list[Touched]
    exports: list[PersonalDataAccess]


def breach_drill(
    *,
    since: datetime.datetime,
    until: datetime.datetime,
    username: str | None = None,
    token_prefix: str | None = None,
) -> BreachReport:
    """The persons whose data `username` (any channel) or the token `token_prefix` touched
    between `since` and `until`."""
    rows = PersonalDataAccess.objects.filter(at__gte=since, at__lt=until).select_related("user")
    if username:
        rows = rows.filter(user__username=username)
    if token_prefix:
        rows = rows.filter(channel=f"api:{token_prefix}")
    rows = list(rows.order_by("at", "pk"))
    person_keys: dict[int, list[PersonalDataAccess]] = defaultdict(list)
    household_keys: dict[int, list[PersonalDataAccess]] = defaultdict(list)
    exports = []
    for row in rows:
        if row.action in EXPORTS:
            exports.append(row)
            continue
        keys = list(row.object_ids or ([] if not row.object_id else [row.object_id]))
        target = person_keys if row.object_type == "person" else household_keys
        if row.object_type in {"person", "household"}:
            for key in keys:
                target[int(key)].append(row)
    touched: dict[int, Touched] = {}

    def note(person: Person, accesses) -> None:
        item = touched.setdefault(
            person.pk, Touched(person.pk, person.household_id, person.household.village_id)
        )
        for access in accesses:
            item.actions.add(access.action)
            item.first = min(filter(None, (item.first, access.at)))
            item.last = max(filter(None, (item.last, access.at)))

    for person in Person.objects.filter(pk__in=list(person_keys)).select_related("household"):
        note(person, person_keys[person.pk])
    members = Person.objects.filter(household_id__in=list(household_keys)).select_related(
        "household"
    )
    for person in members:
        note(person, household_keys[person.household_id])
    return BreachReport(
        accesses=len(rows),
        persons=sorted(
            touched.values(), key=lambda t: (t.village_code, t.household_id, t.person_id)
        ),
        exports=exports,
    )
