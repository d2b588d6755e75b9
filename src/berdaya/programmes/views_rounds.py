"""Survey rounds and poverty over time ("Kemiskinan dari waktu ke waktu"): aggregates only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.areas.models import Village
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.registry.indicators import INDICATOR_LABELS, PovertyStatus
from berdaya.registry.rounds import CELLS

from .charts import trend
from .selectors import may_manage, poverty_over_time, programme_get
from .services import survey_round_create

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyRoundForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    starts_on = forms.DateField(label=gettext_lazy("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Ends on"), widget=DATE)


@require_http_methods(["GET", "POST"])
def survey_rounds(request, programme_id: int):
    """The programme's survey rounds; its managers add one."""
    programme = programme_get(user=request.user, pk=programme_id)
    manages = may_manage(request.user, programme)
    form = SurveyRoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(_("Only the programme's managers add survey rounds."))
        if form.is_valid():
            try:
                survey_round_create(programme=programme, **form.cleaned_data)
            except ValidationFailed as error:
                show_error(form, error)
            else:
                messages.success(request, _("The survey round was added."))
                return redirect("programmes:survey-rounds", programme_id=programme.pk)
    rounds = programme.survey_rounds.annotate(surveys_count=Count("surveys")).order_by(
        "starts_on", "pk"
    )
    return render(
        request,
        "programmes/survey_rounds.html",
        {"programme": programme, "rounds": rounds, "form": form, "manages": manages},
        status=422 if form.errors else 200,
    )


def _percent(value):
    return None if value is None else round(100 * value, 1)


def _charts(rows) -> dict:
    names = [row.round.name for row in rows]
    mpi, income, censored = [], [], []
    for name, row in zip(names, rows, strict=True):
        figures = row.figures
        mpi += [
            (name, "H", _percent(figures["mpi"]["H"])),
            (name, "M0 × 100", _percent(figures["mpi"]["M0"])),
        ]
        money = figures["income"]
        income += [
            (name, "P0", _percent(money.get("P0"))),
            (name, "P1", _percent(money.get("P1"))),
            (name, "Gini", _percent(money.get("gini"))),
        ]
        for indicator, value in figures["mpi"]["censored"].items():
            censored.append((name, str(INDICATOR_LABELS.get(indicator, indicator)), value))
    # The five indicators with the largest censored headcount in any round.
    largest: dict[str, float] = {}
    for _name, label, value in censored:
        largest[label] = max(largest.get(label, 0), value or 0)
    top = sorted(largest, key=lambda label: -largest[label])[:5]
    censored = [(n, label, _percent(v)) for n, label, v in censored if label in top]
    if not rows:
        return {}
    return {
        "mpi": trend(mpi, title=_("Multidimensional poverty by survey round"), axis="%"),
        "income": trend(income, title=_("Income poverty and inequality by round"), axis="%"),
        "censored": trend(
            censored, title=_("Poor and deprived in each indicator (censored headcount)"), axis="%"
        ),
    }


def _transitions(rows) -> list[dict]:
    labels = {
        "stayed_poor": _("Stayed poor"),
        "escaped": _("Escaped poverty"),
        "fell_in": _("Fell into poverty"),
        "stayed_non_poor": _("Stayed not poor"),
    }
    result = []
    for row in rows:
        moves = row.figures.get("transitions")
        if not moves:
            continue
        result.append(
            {
                "previous": row.figures.get("previous", ""),
                "round": row.round.name,
                "households": moves["households"],
                "cells": [(key, labels[key], moves[key]) for key in CELLS],
                "escaped_indicators": [
                    (str(INDICATOR_LABELS.get(n, n)), count)
                    for n, count in moves["escaped_indicators"][:5]
                ],
                "fell_in_indicators": [
                    (str(INDICATOR_LABELS.get(n, n)), count)
                    for n, count in moves["fell_in_indicators"][:5]
                ],
            }
        )
    return result


def _page(request, programme, village=None):
    found = poverty_over_time(
        user=request.user, programme=programme, village_code=village.code if village else None
    )
    statuses = [(key, label) for key, label in PovertyStatus.choices if key != "unknown"]
    return render(
        request,
        "programmes/poverty_over_time.html",
        {
            "programme": programme,
            "village": village,
            "found": found,
            "charts": _charts(found.rows),
            "transitions": _transitions(found.rows),
            "statuses": statuses,
            "manages": may_manage(request.user, programme),
        },
    )


@require_GET
def programme_poverty_over_time(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    return _page(request, programme)


@require_GET
def village_poverty_over_time(request, programme_id: int, village_code: str):
    programme = programme_get(user=request.user, pk=programme_id)
    # Areas are public; the selector answers 404 for a village outside the user's scope.
    village = get_object_or_404(Village, code=village_code)
    return _page(request, programme, village)
