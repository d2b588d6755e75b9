import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.access import village_codes_for
from berdaya.core.dates import show_date
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.facilitation.selectors import person_for
from berdaya.networks.forms import SimulationForm
from berdaya.networks.selectors import critical_mass_runs

from .charts import timeline as timeline_chart
from .forms import CadreEndForm, CadreForm, PhaseFormSet, RevisionForm, TargetForm
from .selectors import (
    cadre_get,
    cadres_of,
    critical_mass,
    may_manage,
    programme_get,
    programme_villages,
    programmes_visible_to,
)
from .services import (
    PhaseInput,
    cadre_mark,
    critical_mass_target_set,
    programme_phases_revise,
)
from .services import cadre_end as services_cadre_end
from .vocabulary import Stage


@require_GET
def programme_list(request):
    return render(
        request,
        "programmes/programme_list.html",
        {"programmes": programmes_visible_to(request.user)},
    )


@require_GET
def programme_detail(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    villages = programme_villages(user=request.user, programme=programme)
    return render(
        request, "programmes/programme_detail.html", {"programme": programme, "villages": villages}
    )


# -- timeline, cadres, critical mass (issue 5) -------------------------------------------------


def _posted(request):
    return request.POST if request.method == "POST" else None


@require_http_methods(["GET", "POST"])
def programme_timeline(request, programme_id: int):
    """Phases by 5P stage over the years; managers revise the plan with a reason."""
    programme = programme_get(user=request.user, pk=programme_id)
    manages = may_manage(request.user, programme)
    phases = list(programme.phases.order_by("starts_on", "pk"))
    initial = [
        {"stage": p.stage, "starts_on": p.starts_on, "ends_on": p.ends_on, "notes": p.notes}
        for p in phases
    ]
    formset = PhaseFormSet(_posted(request), initial=initial, prefix="phase")
    reason_form = RevisionForm(_posted(request))
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(_("Only the programme's managers change its plan."))
        if formset.is_valid() and reason_form.is_valid():
            planned = [
                PhaseInput(f["stage"], f["starts_on"], f["ends_on"], f.get("notes", ""))
                for f in formset.cleaned_data
                if f and f.get("stage")
            ]
            try:
                programme_phases_revise(
                    programme=programme,
                    phases=planned,
                    reason=reason_form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationFailed as error:
                show_error(reason_form if error.field == "reason" else formset.forms[0], error)
            else:
                messages.success(
                    request,
                    _("The plan was saved; the earlier plan is kept below with the reason.")
                    if phases
                    else _("The plan was saved."),
                )
                return redirect("programmes:timeline", programme_id=programme.pk)
    today = timezone.localdate()
    chart = (
        timeline_chart(
            phases,
            start=programme.start_date,
            end=programme.planned_end_date,
            today=today,
            title=_("Phases of %(programme)s by 5P stage, %(start)s to %(end)s")
            % {
                "programme": programme.name,
                "start": programme.start_date.year,
                "end": programme.planned_end_date.year,
            },
        )
        if phases
        else None
    )
    revisions = list(programme.revisions.select_related("revised_by"))
    stage_names = dict(Stage.choices)
    for revision in revisions:
        revision.phases_shown = [
            {
                **p,
                "stage_label": stage_names.get(p["stage"], p["stage"]),
                "starts_on": _stored_day(p.get("starts_on")),
                "ends_on": _stored_day(p.get("ends_on")),
            }
            for p in revision.previous_phases
        ]
    invalid = bool(reason_form.errors or any(formset.errors) or formset.non_form_errors())
    return render(
        request,
        "programmes/timeline.html",
        {
            "programme": programme,
            "phases": phases,
            "chart": chart,
            "formset": formset,
            "reason_form": reason_form,
            "manages": manages,
            "revisions": revisions,
        },
        status=422 if invalid else 200,
    )


def _cadre_villages(request, programme):
    codes = village_codes_for(
        request.user, personal=True, organisation_id=programme.organisation_id
    )
    return list(programme_villages(user=request.user, programme=programme).filter(code__in=codes))


@require_http_methods(["GET", "POST"])
def cadre_list(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    villages = _cadre_villages(request, programme)
    form = CadreForm(
        _posted(request),
        villages=villages,
        initial={"since": timezone.localdate(), "village": villages[0].code if villages else ""},
    )
    picked = None
    if request.method == "POST" and villages and form.is_valid():
        data = form.cleaned_data
        picked = person_for(
            user=request.user, pk=data["person"], organisation_id=programme.organisation_id
        )
        try:
            if picked is None or picked.household.village_id != data["village"]:
                raise ValidationFailed(
                    _("Choose a person registered in this village."), field="person"
                )
            cadre_mark(
                organisation=programme.organisation,
                person=picked,
                since=data["since"],
                why=data["why"],
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(name)s is now a cadre.") % {"name": picked.name})
            return redirect("programmes:cadres", programme_id=programme.pk)
    cadres = list(cadres_of(user=request.user, programme=programme))
    return render(
        request,
        "programmes/cadres.html",
        {
            "programme": programme,
            "form": form if villages else None,
            "picked": picked,
            "active": [c for c in cadres if c.until is None],
            "former": [c for c in cadres if c.until is not None],
            "today": timezone.localdate(),
        },
        status=422 if form.errors else 200,
    )


@require_POST
def cadre_end(request, programme_id: int, cadre_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    cadre = cadre_get(user=request.user, programme=programme, pk=cadre_id)
    form = CadreEndForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Give the date the person stopped being a cadre."))
        if cadre.until is not None:
            raise ValidationFailed(_("This person is no longer a cadre."))
        services_cadre_end(cadre=cadre, until=form.cleaned_data["until"])
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is no longer a cadre.") % {"name": cadre.person.name})
    return redirect("programmes:cadres", programme_id=programme.pk)


@require_http_methods(["GET", "POST"])
def critical_mass_page(request, programme_id: int):
    """Empowered adults per village against the target the managers set."""
    programme = programme_get(user=request.user, pk=programme_id)
    manages = may_manage(request.user, programme)
    villages = list(programme_villages(user=request.user, programme=programme))
    today = timezone.localdate()
    errors = {}
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(_("Only the programme's managers set its targets."))
        form = TargetForm(request.POST)
        if form.is_valid() and form.cleaned_data["village"] in {v.code for v in villages}:
            coverage = programme.coverage.get(village_id=form.cleaned_data["village"])
            try:
                critical_mass_target_set(coverage=coverage, percent=form.cleaned_data["percent"])
            except ValidationFailed as error:
                errors[coverage.village_id] = error.message
            else:
                messages.success(request, _("The target was saved."))
                return redirect("programmes:critical-mass", programme_id=programme.pk)
        else:
            errors[request.POST.get("village", "")] = _("A share is between 1 and 100 percent.")
    rows = [
        (
            village,
            critical_mass(
                user=request.user, programme=programme, village_code=village.code, on=today
            ),
            errors.get(village.code),
            critical_mass_runs(user=request.user, programme=programme, village_code=village.code),
        )
        for village in villages
    ]
    return render(
        request,
        "programmes/critical_mass.html",
        {
            "programme": programme,
            "rows": rows,
            "manages": manages,
            "today": today,
            "simulation_form": SimulationForm(),
        },
        status=422 if errors else 200,
    )


def _stored_day(value) -> str:
    """A day kept as ISO text in a revision's JSON, shown like every other date."""
    try:
        return show_date(datetime.date.fromisoformat(value))
    except (TypeError, ValueError):
        return value or "—"
