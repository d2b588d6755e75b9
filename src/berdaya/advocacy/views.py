"""Advocacy cases of a programme, with their actions and before/after coverage."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from berdaya.programmes.selectors import programme_get

from .selectors import case_coverage, cases_of


@require_GET
def programme_cases(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    cases = [
        (case, case_coverage(case)) for case in cases_of(request.user, programme_id=programme.pk)
    ]
    return render(
        request, "advocacy/programme_cases.html", {"programme": programme, "cases": cases}
    )
