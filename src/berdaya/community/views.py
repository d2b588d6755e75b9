"""The village profile, and the community records facilitators keep for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.core import charts
from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.workspace import workspace_for
from berdaya.organisations.models import Organisation
from berdaya.programmes.selectors import programmes_visible_to
from berdaya.registry import figures as stored_figures
from berdaya.registry.forms import show_error
from berdaya.registry.indicators import INDICATOR_LABELS, PovertyStatus

from . import selectors, services
from .forms import CapitalItemForm, InstitutionForm, PastProgrammeForm, PovertyLineForm
from .lines import shipped_lines

GET_POST = require_http_methods(["GET", "POST"])


def _profile_url(village_code: str) -> str:
    return reverse("areas:village-detail", args=[village_code])


@require_GET
def village_profile(request, village_code: str):
    """The village profile (at /wilayah/desa/<code>/): aggregates for every role, no names."""
    village = selectors.village_for_user(user=request.user, code=village_code)
    workspace = workspace_for(request)
    figures = selectors.village_figures(
        user=request.user,
        village=village,
        organisation_id=workspace.programme.organisation_id if workspace.programme else None,
    )
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
            "income_minimum": stored_figures.INCOME_MIN_ANSWERS,
            "can_set_lines": bool(services.line_organisations(request.user)),
            "formulas": selectors.CAPITAL_FORMULAS,
            "institutions": selectors.institutions_of(user=request.user, village=village),
            "past_programmes": selectors.past_programmes_of(user=request.user, village=village),
            "capital_items": selectors.capital_items_of(user=request.user, village=village),
            "can_edit": can_edit,
            "personal": village.code in village_codes_for(request.user, personal=True),
            "trend_programmes": programmes_visible_to(request.user)
            .filter(coverage__village_id=village.code)
            .order_by("name"),
        },
    )


@dataclass(frozen=True)
class RecordKind:
    """What differs between the kinds of community record a facilitator keeps: the
    form, how one is found, created and changed, and how the pages name it."""

    form: type[forms.ModelForm]
    get: Callable  # selector: (user=, pk=) -> record, 404 outside the user's villages
    create: Callable  # service: (user=, organisation=, village=, **values) -> record
    update: Callable  # (user, record, values) -> record
    adding: str
    changing: Callable[[object], str]
    name: Callable[[object], str]


INSTITUTIONS = RecordKind(
    form=InstitutionForm,
    get=selectors.institution_get,
    create=services.institution_create,
    update=lambda user, record, values: services.institution_update(
        user=user, institution=record, **values
    ),
    adding=gettext_lazy("Add a local institution"),
    changing=lambda record: _("Change %(name)s") % {"name": record.name},
    name=lambda record: record.name,
)
PAST_PROGRAMMES = RecordKind(
    form=PastProgrammeForm,
    get=selectors.past_programme_get,
    create=services.past_programme_create,
    update=lambda user, record, values: services.past_programme_update(
        user=user, programme=record, **values
    ),
    adding=gettext_lazy("Add an earlier programme"),
    changing=lambda record: _("Change %(name)s") % {"name": record.name},
    name=lambda record: record.name,
)
CAPITAL_ITEMS = RecordKind(
    form=CapitalItemForm,
    get=selectors.capital_item_get,
    create=services.capital_item_create,
    update=lambda user, record, values: services.capital_item_update(
        user=user, item=record, **values
    ),
    adding=gettext_lazy("Add to the livelihood capitals"),
    changing=lambda record: _("Change an item of the capitals"),
    name=lambda record: record.description,
)


def _record_form(request, form, *, village, title: str, save, back: str):
    if request.method == "POST" and form.is_valid():
        try:
            save(form.values())
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


def _editing(request, record) -> None:
    if not services.can_edit_community(
        request.user, organisation_id=record.organisation_id, village_code=record.village_id
    ):
        raise services.not_an_editor()


def _posted(request):
    return request.POST if request.method == "POST" else None


def _record_id(ids: dict) -> int:
    # Each kind names its id in the URL (institution_id, ...) so the isolation walk
    # knows which object to try; the views need only the one value.
    (record_id,) = ids.values()
    return record_id


@GET_POST
def record_create(request, village_code: str, kind: RecordKind):
    """Add a record to a village: 404 outside the user's villages, 403 for viewers."""
    village = selectors.village_for_user(user=request.user, code=village_code)
    workspace = workspace_for(request)
    preferred = workspace.programme.organisation_id if workspace.programme else None
    organisation = Organisation.objects.get(
        pk=services.editing_organisation(
            request.user, village_code=village.code, preferred=preferred
        )
    )
    # A link may preselect a field (?capital=social from that capital's section).
    initial = {name: value for name, value in request.GET.items() if name in kind.form.base_fields}
    form = kind.form(_posted(request), initial=initial)
    return _record_form(
        request,
        form,
        village=village,
        title=str(kind.adding),
        save=lambda values: kind.create(
            user=request.user, organisation=organisation, village=village, **values
        ),
        back=_profile_url(village.code),
    )


@GET_POST
def record_edit(request, kind: RecordKind, **ids):
    record = kind.get(user=request.user, pk=_record_id(ids))
    _editing(request, record)
    return _record_form(
        request,
        kind.form(_posted(request), instance=record),
        village=record.village,
        title=kind.changing(record),
        save=lambda values: kind.update(request.user, record, values),
        back=_profile_url(record.village_id),
    )


@GET_POST
def record_delete(request, kind: RecordKind, **ids):
    """Remove a record entered by mistake, after a confirmation page."""
    record = kind.get(user=request.user, pk=_record_id(ids))
    _editing(request, record)
    back = _profile_url(record.village_id)
    if request.method == "POST":
        services.community_record_delete(user=request.user, record=record)
        messages.success(request, _("Removed."))
        return redirect(back)
    return render(
        request,
        "community/record_delete.html",
        {"record": record, "village": record.village, "what": kind.name(record), "back": back},
    )


@GET_POST
def poverty_lines(request):
    """A manager's poverty lines (province or regency, year, amount, source): used for the
    village figures instead of the shipped BPS lines. 403 for facilitators and viewers."""
    allowed = services.line_organisations(request.user)
    if not allowed:
        raise PermissionDenied(_("Only managers and administrators can set poverty lines."))
    workspace = workspace_for(request)
    preferred = workspace.programme.organisation_id if workspace.programme else None
    organisation_id = preferred if preferred in allowed else allowed[0]
    areas = services.line_areas(request.user, organisation_id=organisation_id)
    lines = selectors.poverty_lines_of(user=request.user, organisation_id=organisation_id)
    form = PovertyLineForm(
        request.POST if request.method == "POST" and "remove" not in request.POST else None,
        areas=areas,
    )
    if request.method == "POST" and "remove" in request.POST:
        remove = request.POST.get("remove", "").strip()
        line = lines.filter(pk=int(remove)).first() if remove.isdigit() else None
        if line is None:
            raise Http404
        services.poverty_line_remove(user=request.user, line=line)
        messages.success(request, _("Removed: the BPS line is used again."))
        return redirect("community:poverty-lines")
    if request.method == "POST" and form.is_valid():
        try:
            services.poverty_line_set(
                user=request.user, organisation_id=organisation_id, **form.cleaned_data
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved. The village figures are being computed again."))
            return redirect("community:poverty-lines")
    return render(
        request,
        "community/poverty_lines.html",
        {
            "form": form,
            "lines": [(line, areas.get(line.area_code, line.area_code)) for line in lines],
            "organisation": Organisation.objects.get(pk=organisation_id),
            "shipped": shipped_lines(),
        },
        status=422 if form.errors else 200,
    )
