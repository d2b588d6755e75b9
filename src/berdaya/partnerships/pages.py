"""What the write pages of partnerships and advocacy share: who may post, and which villages."""

from __future__ import annotations

from django.utils.translation import gettext as _

from berdaya.core.errors import PermissionDenied
from berdaya.programmes.selectors import programme_villages

from .selectors import may_write


def writable_villages(request, programme) -> list:
    """The programme's villages the user may record in (all of them for managers)."""
    return [
        v
        for v in programme_villages(user=request.user, programme=programme)
        if may_write(request.user, programme, village_code=v.code)
    ]


def check_writes(request, writes: bool) -> None:
    """A post from someone who may only read is refused before anything is parsed."""
    if request.method == "POST" and not writes:
        raise PermissionDenied(
            _("Only the programme's managers, and facilitators for their villages, record this.")
        )


def posted(request):
    """The form's data on a POST; None on a GET, so the form starts unbound."""
    return request.POST if request.method == "POST" else None
