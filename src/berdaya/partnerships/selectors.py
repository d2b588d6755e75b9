"""Reads of the stakeholder registry: an organisation's own, for its members."""

from __future__ import annotations

from django.db.models import QuerySet

from berdaya.core.access import organisation_ids_for

from .models import Stakeholder


def stakeholders_visible_to(user, *, organisation_id: int | None = None) -> QuerySet[Stakeholder]:
    """The stakeholders of the organisations `user` belongs to (any role: none is personal)."""
    ids = organisation_ids_for(user)
    if organisation_id is not None:
        ids = ids & {organisation_id}
    return Stakeholder.objects.filter(organisation_id__in=ids).order_by("name")
