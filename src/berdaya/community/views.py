"""The village profile, and the community records facilitators keep for it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.core import charts
from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.workspace import workspace_for
from berdaya.organisations.models import Organisation
from berdaya.registry.forms import show_error
from berdaya.registry.indicators import INDICATOR_LABELS, PovertyStatus

from . import selectors, services
from .forms import CapitalItemForm, InstitutionForm, PastProgrammeForm

GET_POST = require_http_methods(["GET", "POST"])


def _profile_url(village_code: str) -> str:
    return reverse("areas:village-detail", args=[village_code])


@require_GET
def village_profile(request, village_code: str):
    """The village profile (at /wilayah/desa/<code>/): aggregates for every role, no names."""
    village = selectors.village_for_user(user=request.user, code=village_code)
    figures = selectors.village_figures(user=request.user, village=village)
    try:
        services.editing_organisation(request.user, village_code=village.code)
        can_edit = True
    except PermissionDenied:
        can_edit = False
    pyramid = charts.population_pyramid(
        figures.pyramid,
        title=_("Population by age and sex"),
        male=str(_("Male")),
        female=str(_("Female")),
        axis_title=_("persons"),
    )
    radar = charts.radar(
        [(str(selectors.CAPITAL_SHORT[c.capital]), c.score) for c in figures.capitals],
        title=_("The five livelihood capitals (0–100)"),
    )
    contributions = sorted(
        (
            (str(INDICATOR_LABELS.get(name, name)), share)
            for name, share in figures.mpi.contributions.items()
            if share
        ),
        key=lambda item: -item[1],
    )
    return render(
        request,
        "community/village_profile.html",
        {
            "village": village,
            "figures": figures,
            "pyramid": pyramid,
            "radar": radar,
            "statuses": [
                (label, figures.mpi.by_status.get(key, 0), key)
                for key, label in PovertyStatus.choices
                if key != PovertyStatus.UNKNOWN
            ],
            "contributions": contributions,
            "formulas": selectors.CAPITAL_FORMULAS,
            "institutions": selectors.institutions_of(user=request.user, village=village),
            "past_programmes": selectors.past_programmes_of(user=request.user, village=village),
            "capital_items": selectors.capital_items_of(user=request.user, village=village),
            "can_edit": can_edit,
            "personal": village.code in village_codes_for(request.user, personal=True),
        },
    )


def _record_form(request, form, *, village, title: str, save, back: str):
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(
        request,
        "community/record_form.html",
        {"form": form, "village": village, "title": title, "back": back},
        status=422 if form.errors else 200,
    )


def _creating(request, village_code: str):
    """The village (404 outside the user's villages) and the organisation that will own
    the new record (403 for viewers)."""
    village = selectors.village_for_user(user=request.user, code=village_code)
    workspace = workspace_for(request)
    preferred = workspace.programme.organisation_id if workspace.programme else None
    organisation_id = services.editing_organisation(
        request.user, village_code=village.code, preferred=preferred
    )
    return village, Organisation.objects.get(pk=organisation_id)


def _editing(request, record) -> None:
    if not services.can_edit_community(
        request.user, organisation_id=record.organisation_id, village_code=record.village_id
    ):
        raise services.not_an_editor()


def _posted(request):
    return request.POST if request.method == "POST" else None


def _delete(request, record, *, what: str):
    _editing(request, record)
    back = _profile_url(record.village_id)
    if request.method == "POST":
        services.community_record_delete(user=request.user, record=record)
        messages.success(request, _("Removed."))
        return redirect(back)
    return render(
        request,
        "community/record_delete.html",
        {"record": record, "village": record.village, "what": what, "back": back},
    )


# -- institutions ------------------------------------------------------------------------------


@GET_POST
def institution_create(request, village_code: str):
    village, organisation = _creating(request, village_code)
    form = InstitutionForm(_posted(request))
    back = _profile_url(village.code)

    def save():
        services.institution_create(
            user=request.user, organisation=organisation, village=village, **form.values()
        )

    return _record_form(
        request, form, village=village, title=_("Add a local institution"), save=save, back=back
    )


@GET_POST
def institution_edit(request, institution_id: int):
    institution = selectors.institution_get(user=request.user, pk=institution_id)
    _editing(request, institution)
    form = InstitutionForm(_posted(request), instance=institution)

    def save():
        services.institution_update(user=request.user, institution=institution, **form.values())

    return _record_form(
        request,
        form,
        village=institution.village,
        title=_("Change %(name)s") % {"name": institution.name},
        save=save,
        back=_profile_url(institution.village_id),
    )


@GET_POST
def institution_delete(request, institution_id: int):
    institution = selectors.institution_get(user=request.user, pk=institution_id)
    return _delete(request, institution, what=institution.name)


# -- earlier programmes ------------------------------------------------------------------------


@GET_POST
def past_programme_create(request, village_code: str):
    village, organisation = _creating(request, village_code)
    form = PastProgrammeForm(_posted(request))

    def save():
        services.past_programme_create(
            user=request.user, organisation=organisation, village=village, **form.values()
        )

    return _record_form(
        request,
        form,
        village=village,
        title=_("Add an earlier programme"),
        save=save,
        back=_profile_url(village.code),
    )


@GET_POST
def past_programme_edit(request, past_programme_id: int):
    programme = selectors.past_programme_get(user=request.user, pk=past_programme_id)
    _editing(request, programme)
    form = PastProgrammeForm(_posted(request), instance=programme)

    def save():
        services.past_programme_update(user=request.user, programme=programme, **form.values())

    return _record_form(
        request,
        form,
        village=programme.village,
        title=_("Change %(name)s") % {"name": programme.name},
        save=save,
        back=_profile_url(programme.village_id),
    )


@GET_POST
def past_programme_delete(request, past_programme_id: int):
    programme = selectors.past_programme_get(user=request.user, pk=past_programme_id)
    return _delete(request, programme, what=programme.name)


# -- capital items -----------------------------------------------------------------------------


@GET_POST
def capital_item_create(request, village_code: str):
    village, organisation = _creating(request, village_code)
    form = CapitalItemForm(_posted(request), initial={"capital": request.GET.get("capital", "")})

    def save():
        services.capital_item_create(
            user=request.user, organisation=organisation, village=village, **form.values()
        )

    return _record_form(
        request,
        form,
        village=village,
        title=_("Add to the livelihood capitals"),
        save=save,
        back=_profile_url(village.code),
    )


@GET_POST
def capital_item_edit(request, capital_item_id: int):
    item = selectors.capital_item_get(user=request.user, pk=capital_item_id)
    _editing(request, item)
    form = CapitalItemForm(_posted(request), instance=item)

    def save():
        services.capital_item_update(user=request.user, item=item, **form.values())

    return _record_form(
        request,
        form,
        village=item.village,
        title=_("Change an item of the capitals"),
        save=save,
        back=_profile_url(item.village_id),
    )


@GET_POST
def capital_item_delete(request, capital_item_id: int):
    item = selectors.capital_item_get(user=request.user, pk=capital_item_id)
    return _delete(request, item, what=item.description)
