"""The partnership map of a programme (server-rendered, phone-first)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from berdaya.programmes.selectors import programme_get

from .selectors import partnership_summary, stakeholders_of


@require_GET
def partnership_map(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    today = timezone.localdate()
    return render(
        request,
        "partnerships/partnership_map.html",
        {
            "programme": programme,
            "summary": partnership_summary(request.user, programme_id=programme.pk, today=today),
            "stakeholders": stakeholders_of(request.user, programme_id=programme.pk),
        },
    )
