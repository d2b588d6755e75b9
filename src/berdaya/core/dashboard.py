"""Figures for the dashboard: counts within the chosen programme and village, read from the
stored village figures (`registry.figures`): active households and the persons living in them,
ages as of the day the figures were computed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from berdaya.core.access import village_codes_for

from .workspace import Workspace


@dataclass(frozen=True)
class DashboardFigures:
    villages: int
    households: int
    persons: int
    women: int
    children: int
    elderly: int
    computed_at: datetime.datetime | None = None  # the oldest of the villages' figures
    updating: bool = False


def dashboard_figures(*, user, workspace: Workspace) -> DashboardFigures:
    from berdaya.registry.figures import village_rows

    if workspace.programme is None:
        return DashboardFigures(0, 0, 0, 0, 0, 0)
    codes = [workspace.village.code] if workspace.village else [v.code for v in workspace.villages]
    organisation_id = workspace.programme.organisation_id
    visible = village_codes_for(user, organisation_id=organisation_id)
    rows = village_rows(organisation_id=organisation_id, codes=[c for c in codes if c in visible])
    times = [row.computed_at for row in rows if row.computed_at]
    return DashboardFigures(
        villages=len(codes),
        households=sum(row.households for row in rows),
        persons=sum(row.persons for row in rows),
        women=sum(row.women for row in rows),
        children=sum(row.children for row in rows),
        elderly=sum(row.elderly for row in rows),
        computed_at=min(times) if times else None,
        updating=any(row.stale for row in rows) or len(rows) < len(codes),
    )
