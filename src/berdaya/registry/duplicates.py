"""Duplicate NIKs, without telling anyone that a person exists where they may not look.

A NIK is registered once per organisation. When someone enters a NIK the organisation
already has in another household, what they are told depends on what they may see:

* if the other household is one of theirs, they are told so plainly (it helps them
  merge or correct);
* if it is not (another village), they are only asked to check the number against the
  KTP or family card — the same words a mistyped number could earn — and a
  `DuplicateNikSignal` is recorded for a manager or administrator who sees both
  villages to review. No identifier is stored with it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from berdaya.core.access import grants_for, visible_to

from .models import DuplicateNikSignal, Household, Person


@dataclass(frozen=True)
class DuplicateAttempt:
    """A NIK (by its keyed hash) entered for `village_code` that `household_id` holds."""

    nik_hash: str
    household_id: int
    village_code: str = ""


def visible_households(user, household_ids: Iterable[int]) -> set[int]:
    """Which of `household_ids` `user` may see (none for no user)."""
    ids = set(household_ids)
    if user is None or not ids or not getattr(user, "is_authenticated", False):
        return set()
    return set(visible_to(user, Household.objects.filter(pk__in=ids)).values_list("pk", flat=True))


def may_see(user) -> Callable[[int], bool]:
    """`may_see(user)(household_id)`: one look-up per household asked about (duplicates
    are few, so this is cheaper than listing every visible household of a large import)."""
    return functools.cache(lambda household_id: bool(visible_households(user, [household_id])))


def duplicate_message(*, visible: bool) -> str:
    if visible:
        return _("This NIK is already registered in another household.")
    return _(
        "Check this NIK against the KTP or family card: it cannot be accepted as "
        "written. If it is right, tell your manager."
    )


def duplicate_signals_record(
    *,
    organisation_id: int,
    attempts: Collection[DuplicateAttempt],
    village_code: str,
    user=None,
    source: str,
    import_job_id: int | None = None,
) -> list[DuplicateNikSignal]:
    """Keep one signal per attempted NIK, in its own transaction (the write that found the
    duplicate is refused and rolled back; the signal must stay)."""
    if not attempts:
        return []
    persons = dict(
        Person.objects.filter(
            organisation_id=organisation_id, nik_hash__in=[a.nik_hash for a in attempts]
        ).values_list("nik_hash", "pk")
    )
    user_id = getattr(user, "pk", None)
    with transaction.atomic():
        return DuplicateNikSignal.objects.bulk_create(
            DuplicateNikSignal(
                organisation_id=organisation_id,
                existing_person_id=persons[attempt.nik_hash],
                # The call's village, or each attempt's (an import for a programme).
                attempted_village_id=village_code or attempt.village_code,
                source=source,
                import_job_id=import_job_id,
                attempted_by_id=user_id,
            )
            for attempt in {a.nik_hash: a for a in attempts}.values()
            if attempt.nik_hash in persons
        )


def duplicate_signals_for(user) -> QuerySet[DuplicateNikSignal]:
    """Signals to review: only for managers and administrators who see both the registered
    person's village and the village the NIK was entered for."""
    from berdaya.organisations.models import Role

    reviewable = [g for g in grants_for(user) if g.role in {Role.ADMIN, Role.MANAGER}]
    if not reviewable:
        return DuplicateNikSignal.objects.none()
    signals = visible_to(user, DuplicateNikSignal.objects.filter(reviewed_at__isnull=True))
    ids = [
        signal.pk
        for signal in signals.select_related("existing_person__household")
        if any(
            g.organisation_id == signal.organisation_id
            and signal.attempted_village_id in g.village_codes
            and signal.existing_person.household.village_id in g.village_codes
            for g in reviewable
        )
    ]
    return (
        DuplicateNikSignal.objects.filter(pk__in=ids)
        .select_related("existing_person__household__village", "attempted_village", "attempted_by")
        .order_by("-at", "-pk")
    )
