"""The programme and village a user is working in, kept in the session.

A facilitator chooses once and every page follows; the choice is re-checked
against the access rule on every request, so a stale session never widens access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from berdaya.areas.models import Village
from berdaya.core.errors import NotFound
from berdaya.programmes.models import Programme
from berdaya.programmes.selectors import programme_villages, programmes_visible_to

PROGRAMME_KEY = "berdaya_programme"
VILLAGE_KEY = "berdaya_village"


@dataclass
class Workspace:
    programme: Programme | None
    village: Village | None
    programmes: list[Programme]
    villages: list[Village]


def workspace_for(request) -> Workspace:
    """The request's workspace, worked out once per request (views and the base template's
    context processor both ask); `workspace_choose` works it out again after a change."""
    cached = getattr(request, "_berdaya_workspace", None)
    if cached is not None and cached[0] == (
        request.session.get(PROGRAMME_KEY),
        request.session.get(VILLAGE_KEY),
    ):
        return cached[1]
    workspace = _workspace_for(request)
    request._berdaya_workspace = (
        (request.session.get(PROGRAMME_KEY), request.session.get(VILLAGE_KEY)),
        workspace,
    )
    return workspace


def _workspace_for(request) -> Workspace:
    user = request.user
    programmes = list(programmes_visible_to(user))
    chosen = request.session.get(PROGRAMME_KEY)
    programme = next((p for p in programmes if p.pk == chosen), None)
    if programme is None and programmes:
        programme = programmes[0]
    villages = list(programme_villages(user=user, programme=programme)) if programme else []
    code = request.session.get(VILLAGE_KEY)
    village = next((v for v in villages if v.code == code), None)
    if village is None and len(villages) == 1:
        village = villages[0]  # one village: nothing to choose
    return Workspace(programme, village, programmes, villages)


def workspace_choose(request, *, programme_id: str | None, village_code: str | None) -> Workspace:
    """Switch programme and/or village; unknown or unreachable choices are refused."""
    user = request.user
    if programme_id:
        programme = next(
            (p for p in programmes_visible_to(user) if str(p.pk) == str(programme_id)), None
        )
        if programme is None:
            raise NotFound(_("That programme does not exist or is not yours."))
        if request.session.get(PROGRAMME_KEY) != programme.pk:
            request.session[PROGRAMME_KEY] = programme.pk
            request.session.pop(VILLAGE_KEY, None)
    workspace = workspace_for(request)
    if village_code is not None:
        if village_code == "":
            request.session.pop(VILLAGE_KEY, None)
        else:
            village = next((v for v in workspace.villages if v.code == village_code), None)
            if village is None:
                raise NotFound(
                    _("Village %(code)s is not in this programme or not assigned to you.")
                    % {"code": village_code}
                )
            request.session[VILLAGE_KEY] = village.code
        workspace = workspace_for(request)
    return workspace
