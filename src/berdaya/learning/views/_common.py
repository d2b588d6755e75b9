from __future__ import annotations

from django.views.decorators.http import require_http_methods

from berdaya.core.access import village_codes_for
from berdaya.programmes.selectors import may_manage, programme_get, programme_villages

GET_POST = require_http_methods(["GET", "POST"])


def posted(request):
    return request.POST if request.method == "POST" else None


def programme_context(request, programme_id: int):
    """The programme (404 outside the user's villages) and what the user may do in it."""
    programme = programme_get(user=request.user, pk=programme_id)
    personal = village_codes_for(
        request.user, personal=True, organisation_id=programme.organisation_id
    )
    villages = list(programme_villages(user=request.user, programme=programme))
    return programme, {
        "programme": programme,
        "manages": may_manage(request.user, programme),
        "personal": bool(personal),
        "villages": villages,
        "recording_villages": [v for v in villages if v.code in personal],
    }
