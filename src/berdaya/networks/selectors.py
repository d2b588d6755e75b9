"""Reads of the networks app, through the access rule."""

from __future__ import annotations

from django.http import Http404

from berdaya.core.access import village_codes_for, visible_to

from .models import CriticalMassRun, NetworkFigures, Tie


def network_village(*, user, programme, village_code: str, personal: bool = True):
    """The programme's village if the user may see its people (404 otherwise)."""
    codes = village_codes_for(user, personal=personal, organisation_id=programme.organisation_id)
    village = programme.villages.filter(code=village_code).first()
    if village is None or village_code not in codes:
        raise Http404
    return village


def network_figures(*, user, organisation_id: int, village_code: str) -> NetworkFigures | None:
    """The stored network figures of a village (names inside: personal data)."""
    return (
        visible_to(user, NetworkFigures.objects.all())
        .filter(organisation_id=organisation_id, village_id=village_code)
        .first()
    )


def ties_of(*, user, organisation_id: int, village_code: str):
    return (
        visible_to(user, Tie.objects.select_related("source_person", "target"))
        .filter(organisation_id=organisation_id, village_id=village_code)
        .order_by("-on", "-pk")
    )


def critical_mass_runs(*, user, programme, village_code: str, limit: int = 5):
    return list(
        visible_to(user, CriticalMassRun.objects.all()).filter(
            programme=programme, village_id=village_code
        )[:limit]
    )
