"""Figures for the dashboard: real counts within the chosen programme and village."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from berdaya.core.access import count_visible_to
from berdaya.registry.models import Household, Person

from .dates import years_before
from .workspace import Workspace


@dataclass(frozen=True)
class DashboardFigures:
    villages: int
    households: int
    persons: int
    women: int
    children: int
    elderly: int


def dashboard_figures(*, user, workspace: Workspace) -> DashboardFigures:
    if workspace.programme is None:
        return DashboardFigures(0, 0, 0, 0, 0, 0)
    codes = [workspace.village.code] if workspace.village else [v.code for v in workspace.villages]
    organisation_id = workspace.programme.organisation_id
    households = Household.objects.filter(organisation_id=organisation_id, village_id__in=codes)
    persons = Person.objects.filter(
        organisation_id=organisation_id, household__village_id__in=codes
    )
    today = timezone.localdate()
    return DashboardFigures(
        villages=len(codes),
        households=count_visible_to(user, households),
        persons=count_visible_to(user, persons),
        women=count_visible_to(user, persons.filter(sex=Person.Sex.FEMALE)),
        children=count_visible_to(user, persons.filter(birth_date__gt=years_before(today, 18))),
        elderly=count_visible_to(user, persons.filter(birth_date__lte=years_before(today, 60))),
    )
