"""Writes for organisations, memberships and facilitator assignments."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.errors import ValidationFailed
from berdaya.core.models import User

from .models import Membership, Organisation, Role, VillageAssignment


@transaction.atomic
def organisation_create(*, name: str, kind: str) -> Organisation:
    name = name.strip()
    if not name:
        raise ValidationFailed(_("An organisation needs a name."), field="name")
    if kind not in Organisation.Kind.values:
        raise ValidationFailed(_("Unknown kind of organisation."), field="kind")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(_("An organisation with this name already exists."), field="name")
    return Organisation.objects.create(name=name, kind=kind)


@transaction.atomic
def membership_grant(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give `user` a role in `organisation` (replacing an earlier role there)."""
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "is_active": True}
    )
    if role != Role.FACILITATOR:
        # Village assignments only mean something for facilitators; keeping them
        # would silently widen access if the role changed back later.
        membership.assignments.all().delete()
    return membership


@transaction.atomic
def facilitator_assign(
    *, membership: Membership, village_code: str, since: datetime.date | None = None
) -> VillageAssignment:
    from berdaya.areas.selectors import village_get
    from berdaya.programmes.models import ProgrammeVillage

    if membership.role != Role.FACILITATOR:
        raise ValidationFailed(_("Only facilitators are assigned to villages."), field="role")
    village = village_get(code=village_code)
    covered = ProgrammeVillage.objects.filter(
        programme__organisation=membership.organisation, village=village
    ).exists()
    if not covered:
        raise ValidationFailed(
            _("%(village)s is not in any programme of %(organisation)s.")
            % {"village": village, "organisation": membership.organisation},
            field="village",
        )
    assignment, _created = VillageAssignment.objects.get_or_create(
        membership=membership, village=village, defaults={"since": since}
    )
    return assignment
