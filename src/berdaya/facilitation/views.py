"""Accompaniment pages: the activity log, who came and what they did, participation over time,
and the facilitator's own page.

Thin: parse a form, call one selector or service, render. Every object comes through a
selector that applies the access rule before any input is read, so an activity of another
village answers 404 whatever is posted. Attendance and guest changes answer htmx with the
attendance fragment and the participation figures (swapped out of band).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.access import get_visible_or_404, village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.viewer_figures import activity_figures, is_viewer
from berdaya.core.workspace import workspace_for
from berdaya.groups.selectors import groups_visible_to
from berdaya.programmes.selectors import programme_villages
from berdaya.programmes.vocabulary import Strategy
from berdaya.registry import selectors as registry_selectors
from berdaya.registry.indicators import PovertyStatus
from berdaya.registry.selectors import village_poverty_counts

from . import charts, selectors, services
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    AttachmentForm,
    AttendanceForm,
    GuestsForm,
    ParticipationForm,
    RemoveAttendanceForm,
    RollForm,
    show_error,
)
from .models import Activity, AgeBand, Attachment

PAGE_SIZE = 20
NOT_RECORDING = gettext_lazy(
    "You do not work in a village of this programme, so there is nothing to record here."
)
GET_POST = require_http_methods(["GET", "POST"])


def _posted(request):
    return request.POST if request.method == "POST" else None


# -- the list ----------------------------------------------------------------------------------


@require_GET
def activity_list(request):
    workspace = workspace_for(request)
    programme = workspace.programme
    villages = (
        selectors.recording_villages(user=request.user, programme=programme) if programme else []
    )
    default_village = workspace.village.code if workspace.village else ""
    form = ActivityFilterForm(
        request.GET or None, villages=villages, initial={"village": default_village}
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ActivityFilters(
        programme_id=programme.pk if programme else None,
        village=data.get("village", default_village) if form.is_bound else default_village,
        kind=data.get("kind", ""),
        stage=data.get("stage", ""),
        strategy=data.get("strategy", ""),
        initiated_by=data.get("initiated_by", ""),
        start=data.get("start"),
        end=data.get("end"),
    )
    activities = selectors.activity_search(user=request.user, filters=filters)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    figures = None
    if is_viewer(request.user) and programme:
        figures = activity_figures(request.user, Activity.objects.filter(programme=programme))
    context = {
        "figures": figures,
        "form": form,
        "page": page,
        "programme": programme,
        "can_record": bool(villages),
        "filters_open": any(
            request.GET.get(name)
            for name in ("kind", "stage", "strategy", "initiated_by", "start", "end")
        ),
    }
    template = "facilitation/_activity_results.html" if request.htmx else None
    return render(request, template or "facilitation/activity_list.html", context)


# -- recording an activity ---------------------------------------------------------------------


@GET_POST
def activity_create(request):
    workspace = workspace_for(request)
    programme = workspace.programme
    villages = (
        list(selectors.recording_villages(user=request.user, programme=programme))
        if programme
        else []
    )
    if not villages:
        raise PermissionDenied(NOT_RECORDING)
    groups = groups_visible_to(request.user).filter(
        organisation_id=programme.organisation_id, village__in=villages
    )
    facilitators = selectors.facilitator_choices(organisation_id=programme.organisation_id)
    wanted = request.GET.get("group", "")
    group = groups.filter(pk=wanted).first() if wanted.isdigit() else None  # a group meeting
    village = group.village_id if group else workspace.village.code if workspace.village else ""
    initial = {
        "held_on": timezone.localdate(),
        "village": village or villages[0].code,
        "facilitators": [str(request.user.pk)],
        "stage": "pendampingan",
        "level": "mezzo",
        "initiated_by": Activity.Initiator.FACILITATOR,
        "strategies": [Strategy.PARTICIPATION],
    }
    if group:
        initial.update(
            {
                "kind": Activity.Kind.GROUP_MEETING,
                "group": str(group.pk),
                "title": _("Meeting of %(group)s") % {"group": group.name},
                "stage": "pelembagaan",
            }
        )
    form = ActivityForm(
        _posted(request),
        villages=villages,
        groups=groups,
        facilitators=facilitators,
        initial=initial,
    )
    return _activity_page(
        request,
        form,
        programme=programme,
        groups=groups,
        facilitators=facilitators,
        picked=None,
        save=lambda fields: services.activity_record(
            user=request.user,
            programme=programme,
            village_code=form.cleaned_data["village"],
            **fields,
        ),
        done=_("The activity was recorded. Now record who came."),
    )


def _activity_page(
    request, form, *, programme, groups, facilitators, picked, save, done, activity=None
):
    """The activity form: a valid POST runs `save(fields)` (a service) and goes to the
    activity; a refusal is shown next to its field, keeping what was typed."""
    if request.method == "POST" and form.is_valid():
        try:
            picked, fields = _activity_fields(request, form, programme, groups, facilitators)
            saved = save(fields)
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, done)
            return redirect("facilitation:activity-detail", activity_id=saved.pk)
    context = {
        "form": form,
        "programme": programme,
        "picked": picked,
        "organisation_id": programme.organisation_id,
        "activity": activity,
    }
    return render(
        request,
        "facilitation/activity_form.html",
        context,
        status=422 if form.errors else 200,
    )


def _activity_fields(request, form, programme, groups, facilitators) -> tuple:
    """The form's answers as the services take them, the chosen people and groups looked up
    among those the user may choose; (the initiating person, the fields)."""
    data = form.cleaned_data
    picked = selectors.person_for(
        user=request.user, pk=data["initiator_person"], organisation_id=programme.organisation_id
    )
    if data["initiator_person"] and picked is None:
        raise ValidationFailed(
            _("Choose a person registered in this village."), field="initiator_person"
        )
    chosen = {str(g.pk): g for g in groups}
    return picked, {
        "kind": data["kind"],
        "title": data["title"],
        "held_on": data["held_on"],
        "initiated_by": data["initiated_by"],
        "stage": data["stage"],
        "level": data["level"],
        "strategies": data["strategies"],
        "place": data["place"],
        "notes": data["notes"],
        "initiator_person": picked,
        "initiator_group": chosen.get(data["initiator_group"]),
        "group": chosen.get(data["group"]),
        "facilitators": list(facilitators.filter(pk__in=data["facilitators"])),
    }


def _may_edit(request, activity: Activity) -> bool:
    """Those who record activities in its village (facilitators there, managers)."""
    return activity.village_id in village_codes_for(
        request.user, personal=True, organisation_id=activity.organisation_id
    )


@GET_POST
def activity_edit(request, activity_id: int):
    """Correct an activity; its programme and village stay (attendance depends on them)."""
    activity = _activity(request, activity_id)
    if not _may_edit(request, activity):
        raise PermissionDenied(_("You do not work in this village for this programme."))
    programme = activity.programme
    groups = groups_visible_to(request.user).filter(
        organisation_id=activity.organisation_id, village_id=activity.village_id
    )
    facilitators = selectors.facilitator_choices(organisation_id=activity.organisation_id)
    initial = {
        "title": activity.title,
        "kind": activity.kind,
        "held_on": activity.held_on,
        "village": activity.village_id,
        "place": activity.place,
        "initiated_by": activity.initiated_by,
        "initiator_person": activity.initiator_person_id,
        "initiator_group": str(activity.initiator_group_id or ""),
        "group": str(activity.group_id or ""),
        "stage": activity.stage,
        "level": activity.level,
        "strategies": activity.strategies,
        "facilitators": [str(u.pk) for u in activity.facilitators.all()],
        "notes": activity.notes,
    }
    form = ActivityForm(
        _posted(request),
        villages=[activity.village],
        groups=groups,
        facilitators=facilitators,
        initial=initial,
    )
    form.fields["village"].disabled = True
    return _activity_page(
        request,
        form,
        programme=programme,
        groups=groups,
        facilitators=facilitators,
        picked=activity.initiator_person,
        save=lambda fields: services.activity_update(
            user=request.user, activity=activity, **fields
        ),
        done=_("The activity was changed."),
        activity=activity,
    )


# -- one activity ------------------------------------------------------------------------------


@dataclass
class FigureRow:
    label: str
    count: int
    share: object  # Fraction | None


@dataclass
class RoleRow:
    label: str
    women: int
    men: int
    poor: int
    others: int


ROLE_LABELS = {  # lazy: translated when a page is drawn, in the reader's language
    "spoke": gettext_lazy("Spoke"),
    "proposed": gettext_lazy("Proposed"),
    "decided": gettext_lazy("Decided"),
    "facilitated": gettext_lazy("Facilitated"),
}


def figures_context(figures: selectors.Participation) -> dict:
    """The participation figures as rows a template can print."""
    poor = sum(figures.by_poverty.get(s, 0) for s in selectors.POOR)
    ages = [
        FigureRow(
            str(label),
            figures.by_age_band.get(code, 0),
            figures.share(figures.by_age_band.get(code, 0)),
        )
        for code, label in [*AgeBand.choices, ("unknown", _("Age not known"))]
        if code != "unknown" or figures.by_age_band.get(code)
    ]
    registered = figures.registered
    statuses = [
        FigureRow(
            str(label),
            figures.by_poverty.get(code, 0),
            Fraction(figures.by_poverty.get(code, 0), registered) if registered else None,
        )
        for code, label in PovertyStatus.choices
    ]
    roles = [
        RoleRow(
            str(ROLE_LABELS[role]),
            figures.roles_by_sex[role].get("P", 0),
            figures.roles_by_sex[role].get("L", 0),
            sum(figures.roles_by_poverty[role].get(s, 0) for s in selectors.POOR),
            sum(n for s, n in figures.roles_by_poverty[role].items() if s not in selectors.POOR),
        )
        for role in selectors.ROLES
    ]
    return {
        "figures": figures,
        "women": figures.by_sex.get("P", 0),
        "men": figures.by_sex.get("L", 0),
        "women_share": figures.share(figures.by_sex.get("P", 0)),
        "poor": poor,
        "poor_share": Fraction(poor, registered) if registered else None,
        "age_rows": ages,
        "poverty_rows": statuses,
        "role_rows": roles,
    }


def _attendance_context(
    request, activity: Activity, *, form=None, guests_form=None, picked=None
) -> dict:
    activity = selectors.activity_get(user=request.user, pk=activity.pk)  # after the change
    attendance = sorted(activity.attendance.all(), key=lambda row: (row.person.name, row.pk))
    counts = {(g.sex, g.age_band): g.count for g in activity.guests.all()}
    return {
        "activity": activity,
        "attendance": attendance,
        "form": form or AttendanceForm(),
        "guests_form": guests_form
        or GuestsForm(initial={f"{sex}_{band}": n for (sex, band), n in counts.items()}),
        "picked": picked,
        **figures_context(selectors.participation([activity])),
    }


def _activity(request, activity_id: int) -> Activity:
    return selectors.activity_get(user=request.user, pk=activity_id)


@require_GET
def activity_detail(request, activity_id: int):
    activity = _activity(request, activity_id)
    return _detail_page(request, activity)


def _detail_page(request, activity: Activity, *, status: int = 200, **forms):
    limit = settings.BERDAYA_MAX_ATTACHMENT_BYTES // 1_048_576
    context = _attendance_context(
        request,
        activity,
        form=forms.get("form"),
        guests_form=forms.get("guests_form"),
        picked=forms.get("picked"),
    )
    context["attachment_form"] = forms.get("attachment_form") or AttachmentForm(limit_mb=limit)
    context["strategies"] = [
        label for code, label in Strategy.choices if code in activity.strategies
    ]
    context["can_edit"] = _may_edit(request, activity)
    return render(request, "facilitation/activity_detail.html", context, status=status)


def _people_response(request, activity: Activity, *, form=None, guests_form=None, picked=None):
    """htmx: the attendance fragment and the figures (out of band). Otherwise the page."""
    invalid = bool((form and form.errors) or (guests_form and guests_form.errors))
    if request.htmx:
        context = _attendance_context(
            request,
            activity,
            form=form if invalid else None,
            guests_form=guests_form,
            picked=picked if invalid else None,
        )
        return render(request, "facilitation/_people.html", context)
    if invalid:
        return _detail_page(
            request, activity, status=422, form=form, guests_form=guests_form, picked=picked
        )
    return redirect(reverse("facilitation:activity-detail", args=[activity.pk]) + "#attendance")


@require_POST
def attendance_add(request, activity_id: int):
    """Add a registered person, or change what they did (spoke, proposed, ...)."""
    activity = _activity(request, activity_id)
    form = AttendanceForm(request.POST)
    picked = None
    if form.is_valid():
        picked = selectors.person_for(
            user=request.user,
            pk=form.cleaned_data["person"],
            organisation_id=activity.organisation_id,
        )
        try:
            if picked is None:
                raise ValidationFailed(
                    _("Choose a person registered in this village."), field="person"
                )
            services.attendance_record(activity=activity, person=picked, **form.roles())
        except ValidationFailed as error:
            show_error(form, error)
    return _people_response(request, activity, form=form, picked=picked)


ROLL_SOURCES = (selectors.ROLL_GROUP, selectors.ROLL_PREVIOUS, selectors.ROLL_PLACE)


@GET_POST
def attendance_roll(request, activity_id: int):
    """Tick who came from a list (the group's members, the previous meeting, a dusun/RT),
    untick who did not, save once."""
    activity = _activity(request, activity_id)
    if not _may_edit(request, activity):
        raise PermissionDenied(_("You do not work in this village for this programme."))
    if request.method == "POST":
        form = RollForm(request.POST)
        if form.is_valid():
            saved = _save_roll(request, activity, form)
            if saved:
                return saved
        else:
            messages.error(request, _("The list was not sent whole: open it again."))
    source = request.GET.get("source", "")
    if source not in ROLL_SOURCES:
        source = selectors.ROLL_GROUP if activity.group_id else selectors.ROLL_PREVIOUS
    dusun, rt = request.GET.get("dusun", "").strip(), request.GET.get("rt", "").strip()
    roll = selectors.roll_for(
        user=request.user, activity=activity, source=source, dusun=dusun, rt=rt
    )
    today = timezone.localdate()
    for person in roll.people:
        person.age_years = selectors.years_old(person.birth_date, today)
    context = {
        "activity": activity,
        "roll": roll,
        "listed": ",".join(str(p.pk) for p in roll.people),
        "dusun": dusun,
        "rt": rt,
        "dusun_names": registry_selectors.dusun_names(
            user=request.user, village_code=activity.village_id
        ),
        "previous": roll.previous or selectors.previous_meeting(activity),
    }
    return render(request, "facilitation/roll.html", context)


def _save_roll(request, activity: Activity, form: RollForm):
    listed = form.listed_ids()
    people = selectors.people_of_activity_village(user=request.user, activity=activity, ids=listed)
    if len(people) != len(set(listed)):
        messages.error(request, _("Some people on the list are not registered in this village."))
        return None
    ticked = set(form.ticked)
    try:
        added, removed = services.attendance_mark(
            activity=activity,
            came=[p for pk, p in people.items() if pk in ticked],
            absent=[p for pk, p in people.items() if pk not in ticked],
        )
    except ValidationFailed as error:
        messages.error(request, error.message)
        return None
    messages.success(
        request,
        _("Attendance saved: %(added)d added, %(removed)d taken off.")
        % {"added": added, "removed": removed},
    )
    return redirect(reverse("facilitation:activity-detail", args=[activity.pk]) + "#who-came")


@require_POST
def attendance_remove(request, activity_id: int):
    activity = _activity(request, activity_id)
    form = RemoveAttendanceForm(request.POST)
    if form.is_valid():
        services.attendance_remove(activity=activity, person_id=form.cleaned_data["person"])
    return _people_response(request, activity)


@require_POST
def guests_set(request, activity_id: int):
    activity = _activity(request, activity_id)
    form = GuestsForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():  # every line or none
                for sex, band, count in form.counts():
                    services.guests_record(activity=activity, sex=sex, age_band=band, count=count)
        except ValidationFailed as error:
            show_error(form, error)
    return _people_response(request, activity, guests_form=form)


@require_GET
def figures(request, activity_id: int):
    activity = _activity(request, activity_id)
    context = figures_context(selectors.participation([activity]))
    return render(request, "facilitation/_figures.html", {"activity": activity, **context})


@require_POST
def attachment_upload(request, activity_id: int):
    activity = _activity(request, activity_id)
    limit = settings.BERDAYA_MAX_ATTACHMENT_BYTES // 1_048_576
    form = AttachmentForm(request.POST, request.FILES, limit_mb=limit)
    if form.is_valid():
        try:
            services.attachment_add(
                activity=activity, upload=form.cleaned_data["file"], user=request.user
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("The file was added."))
            return redirect(
                reverse("facilitation:activity-detail", args=[activity.pk]) + "#attachments"
            )
    return _detail_page(request, activity, status=422, attachment_form=form)


@require_GET
def attachment_download(request, attachment_id: int):
    attachment = get_visible_or_404(
        request.user, Attachment.objects.select_related("activity"), pk=attachment_id
    )
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=attachment.content_type, filename=attachment.original_name
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# -- picking a person --------------------------------------------------------------------------

FIELD_NAMES = {"person", "initiator_person", "raised_by", "voter", "owner"}


@require_GET
def person_search(request):
    """Radio buttons of people of one village whose name matches (the picker's results)."""
    field = request.GET.get("field", "person")
    if field not in FIELD_NAMES:
        field = "person"
    village = request.GET.get("village", "")
    organisation = request.GET.get("organisation", "")
    text = request.GET.get(f"q_{field}", request.GET.get("q", ""))
    persons = []
    if village in village_codes_for(request.user, personal=True):
        persons = list(
            selectors.person_search(
                user=request.user,
                village_code=village,
                text=text,
                organisation_id=int(organisation) if organisation.isdigit() else None,
            )
        )
    today = timezone.localdate()
    for person in persons:
        person.age_years = selectors.years_old(person.birth_date, today)
    return render(
        request,
        "facilitation/_person_results.html",
        {"persons": persons, "field": field, "searched": len(text.strip())},
    )


# -- over time ---------------------------------------------------------------------------------


def _figures_activities(user, programme, village_code: str):
    """Activities whose figures `user` may see (viewers too: no names are shown)."""
    codes = village_codes_for(user, organisation_id=programme.organisation_id)
    if village_code:
        codes = codes & {village_code}
    activities = Activity.objects.filter(programme=programme, village_id__in=codes)
    return activities.prefetch_related("guests").order_by("held_on", "pk"), codes


def _period_label(start: datetime.date, period: str) -> str:
    if period == "quarter":
        return _("Q%(quarter)s %(year)s") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    return formats.date_format(start, "M Y")


@require_GET
def participation_page(request):
    workspace = workspace_for(request)
    programme = workspace.programme
    villages = list(programme_villages(user=request.user, programme=programme)) if programme else []
    default_village = workspace.village.code if workspace.village else ""
    form = ParticipationForm(
        request.GET or None,
        villages=villages,
        initial={"village": default_village, "period": "quarter"},
    )
    data = form.cleaned_data if form.is_valid() else {}
    village_code = data.get("village", default_village) if form.is_bound else default_village
    period = data.get("period") or "quarter"
    context = {"form": form, "programme": programme, "rows": [], "period": period}
    if programme is None:
        return render(request, "facilitation/participation.html", context)
    activities, codes = _figures_activities(request.user, programme, village_code)
    activities = list(activities.filter(held_on__lte=timezone.localdate()))  # what happened
    rows = selectors.participation_over_time(activities, period=period)
    if period == "month":
        rows = rows[-24:]
    labelled = [(_period_label(row.start, period), row) for row in rows]
    context["rows"] = labelled
    context["people"] = selectors.people_reached(
        [a for a in activities if rows and a.held_on >= rows[0].start]
    )
    if labelled:
        women, poor, own = _("Women"), _("People from poor households"), _("Community-initiated")
        context["chart"] = charts.shares_over_time(
            [
                (
                    label,
                    {
                        women: row.women_share,
                        poor: row.poor_share,
                        own: row.community_share,
                    },
                )
                for label, row in labelled
            ],
            series=[women, poor, own],
            title=_(
                "Shares of women, of people from poor households, and of activities the "
                "community initiated, per period"
            ),
        )
    context.update(_elite_capture_context(activities, programme, codes))
    return render(request, "facilitation/participation.html", context)


def _elite_capture_context(activities: list[Activity], programme, codes) -> dict:
    """The elite-capture signal over the twelve months up to the latest activity, in words."""
    if not activities:
        return {"capture": None}
    until = activities[-1].held_on
    since = until - datetime.timedelta(days=365)
    window = [a for a in activities if a.held_on > since]
    population = village_poverty_counts(organisation_id=programme.organisation_id, codes=codes)
    capture = selectors.elite_capture(window, population=population)
    return {
        "capture": capture,
        "capture_since": since + datetime.timedelta(days=1),
        "capture_until": until,
        "top_alert": selectors.TOP_SHARE_ALERT,
        "over_alert": float(selectors.OVER_REPRESENTATION_ALERT),
    }


# -- the facilitator's page --------------------------------------------------------------------


@require_GET
def my_work(request):
    today = timezone.localdate()
    work = selectors.my_work(user=request.user, today=today)
    return render(request, "facilitation/my_work.html", {"work": work, "today": today})
