from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.dates import show_datetime
from berdaya.core.errors import ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.facilitation.selectors import person_for
from berdaya.programmes.selectors import programme_get

from .drawing import drawing_marks
from .forms import SimulationForm, TieForm
from .selectors import network_figures, network_village, ties_of
from .services import champion_make_cadre, critical_mass_run_start, tie_record, ties_derive


def _context(request, programme_id, village_code, personal=True):
    programme = programme_get(user=request.user, pk=programme_id)
    village = network_village(
        user=request.user, programme=programme, village_code=village_code, personal=personal
    )
    return programme, village


@require_GET
def village_network(request, programme_id: int, village_code: str):
    """Champions, brokers, the isolated and a drawing, read from the stored figures."""
    programme, village = _context(request, programme_id, village_code)
    row = network_figures(
        user=request.user, organisation_id=programme.organisation_id, village_code=village.code
    )
    return render(
        request,
        "networks/village.html",
        {
            "programme": programme,
            "village": village,
            "row": row,
            "f": row.figures if row else {},
            "marks": drawing_marks(row.figures.get("drawing") if row else None),
            "computed_at": show_datetime(row.computed_at) if row else "",
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def tie_new(request, programme_id: int, village_code: str):
    """A facilitator records by hand who listens to whom (a phone page)."""
    programme, village = _context(request, programme_id, village_code)
    form = TieForm(request.POST or None, initial={"on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            org = programme.organisation_id
            source = person_for(user=request.user, pk=data["source"], organisation_id=org)
            target = person_for(user=request.user, pk=data["target"], organisation_id=org)
            try:
                if source is None or source.household.village_id != village.code:
                    raise ValidationFailed(_("Choose a person of this village."), field="source")
                if target is None:
                    raise ValidationFailed(_("Choose the person they are tied to."), field="target")
                tie_record(
                    organisation=programme.organisation,
                    source_person=source,
                    target=target,
                    kind=data["kind"],
                    on=data["on"],
                )
            except ValidationFailed as error:
                show_error(form, error)
            else:
                messages.success(request, _("The tie was saved."))
                return redirect(
                    "networks:tie-new", programme_id=programme.pk, village_code=village.code
                )
        status = 422
    ties = ties_of(
        user=request.user, organisation_id=programme.organisation_id, village_code=village.code
    )[:20]
    return render(
        request,
        "networks/tie_form.html",
        {"programme": programme, "village": village, "form": form, "ties": ties},
        status=status,
    )


@require_POST
def ties_derive_view(request, programme_id: int, village_code: str):
    programme, village = _context(request, programme_id, village_code)
    count = ties_derive(organisation=programme.organisation, village_code=village.code)
    messages.success(request, _("%(count)s ties were derived from the records.") % {"count": count})
    return redirect("networks:village", programme_id=programme.pk, village_code=village.code)


@require_POST
def cadre_mark_view(request, programme_id: int, village_code: str):
    """Mark a likely champion as a cadre, through the programmes' cadre service."""
    programme, village = _context(request, programme_id, village_code)
    try:
        pk = int(request.POST.get("person", ""))
    except ValueError:
        pk = None
    person = person_for(user=request.user, pk=pk, organisation_id=programme.organisation_id)
    try:
        if person is None or person.household.village_id != village.code:
            raise ValidationFailed(_("Choose a person of this village."))
        champion_make_cadre(
            organisation=programme.organisation,
            person=person,
            since=timezone.localdate(),
            why=request.POST.get("why", "").strip() or _("A likely local champion in the network."),
        )
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is now a cadre.") % {"name": person.name})
    return redirect("networks:village", programme_id=programme.pk, village_code=village.code)


@require_POST
def simulate(request, programme_id: int, village_code: str):
    """Queue a critical-mass simulation; its result appears on the critical-mass page."""
    programme, village = _context(request, programme_id, village_code, personal=False)
    form = SimulationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Choose a strategy, a target between 1 and 100 percent and the number of runs."),
        )
    else:
        try:
            critical_mass_run_start(
                programme=programme,
                village_code=village.code,
                strategy=form.cleaned_data["strategy"],
                target_percent=form.cleaned_data["target"],
                runs=form.cleaned_data["runs"],
            )
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The simulation was started."))
    return redirect("programmes:critical-mass", programme_id=programme.pk)
