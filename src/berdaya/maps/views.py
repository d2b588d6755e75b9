"""The village map and the programme map: thin views over `selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.community.selectors import village_for_user
from berdaya.core.errors import BerdayaError
from berdaya.core.workspace import workspace_for
from berdaya.programmes.selectors import programme_get, programme_villages
from berdaya.registry.forms import show_error

from . import selectors, services
from .forms import VillageLocationForm


@require_GET
def village_map(request, village_code: str):
    village = village_for_user(user=request.user, code=village_code)
    workspace = workspace_for(request)
    village_map = selectors.village_map(
        user=request.user,
        village=village,
        organisation_id=workspace.programme.organisation_id if workspace.programme else None,
        colour=request.GET.get("colour", selectors.POVERTY),
        scheme_code=request.GET.get("scheme", ""),
    )
    return render(
        request,
        "maps/village_map.html",
        {
            "village": village,
            "map": village_map,
            "map_data": village_map.data(),
            "small_cell": selectors.SMALL_CELL,
        },
    )


@require_http_methods(["GET", "POST"])
def programme_map(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    villages = programme_villages(user=request.user, programme=programme)
    form = VillageLocationForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            services.village_location_set(
                user=request.user,
                organisation_id=programme.organisation_id,
                village=form.cleaned_data["village"],
                latitude=form.cleaned_data["latitude"],
                longitude=form.cleaned_data["longitude"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The village's location is saved."))
            return redirect("maps:programme", programme_id=programme.pk)
    programme_map = selectors.programme_map(
        user=request.user, programme=programme, villages=villages
    )
    return render(
        request,
        "maps/programme_map.html",
        {
            "programme": programme,
            "map": programme_map,
            "map_data": programme_map.data(),
            "form": form,
            "can_locate": selectors.may_locate(request.user, programme),
        },
    )
