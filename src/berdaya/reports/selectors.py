"""What the printed reports show, read from the stored figures through the access rule.

Nothing here recomputes the registry: the village social map reads the same stored
aggregates as the village profile (`community.selectors.village_figures`), so a paper
handed round a village meeting and the page on screen always agree. No names.
"""

from __future__ import annotations

from dataclasses import dataclass

from berdaya.areas.models import Village
from berdaya.community import selectors as community
from berdaya.partnerships.selectors import stakeholders_visible_to


@dataclass
class SocialMap:
    village: Village
    figures: community.VillageFigures
    stakeholders: list

    @property
    def empty(self) -> bool:
        return self.figures.households == 0


def village_social_map(*, user, village_code: str, organisation_id: int | None = None) -> SocialMap:
    """The profil sosial desa of a village the user works in (404 for any other)."""
    village = community.village_for_user(user=user, code=village_code)
    figures = community.village_figures(user=user, village=village, organisation_id=organisation_id)
    stakeholders = list(stakeholders_visible_to(user, organisation_id=organisation_id))
    return SocialMap(village=village, figures=figures, stakeholders=stakeholders)
