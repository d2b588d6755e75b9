"""Writes to the stakeholder registry."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from berdaya.core.access import organisation_ids_for
from berdaya.core.errors import PermissionDenied, ValidationFailed

from .models import Stakeholder


@transaction.atomic
def stakeholder_register(
    *, user, organisation_id: int, name: str, sector: str, role: str, notes: str = ""
) -> Stakeholder:
    """Add a giver, provider, regulator or partner to the organisation's registry."""
    from berdaya.organisations.models import Role

    if organisation_id not in organisation_ids_for(
        user, roles={Role.ADMIN, Role.MANAGER, Role.FACILITATOR}
    ):
        raise PermissionDenied(_("You do not work for this organisation."))
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(_("A stakeholder needs a name."), field="name")
    if sector not in Stakeholder.Sector.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="sector")
    if role not in Stakeholder.Role.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="role")
    if Stakeholder.objects.filter(organisation_id=organisation_id, name__iexact=name).exists():
        raise ValidationFailed(_("This stakeholder is already registered."), field="name")
    return Stakeholder.objects.create(
        organisation_id=organisation_id,
        name=name[:200],
        sector=sector,
        role=role,
        notes=notes.strip(),
        created_by=user,
    )
