"""Group pages: the community's groups, their members, meetings and maturity over time.

Thin: parse a form, call one selector or service, render. Every group comes through
`selectors.group_get`, which applies the access rule before any input is read.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.viewer_figures import group_figures, is_viewer
from berdaya.core.workspace import workspace_for
from berdaya.facilitation.forms import show_error
from berdaya.facilitation.selectors import person_for, recording_villages
from berdaya.facilitation.views import NOT_RECORDING
from berdaya.programmes.selectors import may_manage, programme_get

from . import charts, selectors, services
from .forms import (
    AssessmentForm,
    CriterionFormSet,
    GroupFilterForm,
    GroupForm,
    LeaveForm,
    MemberForm,
    RubricForm,
)
from .maturity import STAGES
from .models import Group

GET_POST = require_http_methods(["GET", "POST"])


def _posted(request):
    return request.POST if request.method == "POST" else None


@require_GET
def group_list(request):
    workspace = workspace_for(request)
    programme = workspace.programme
    villages = recording_villages(user=request.user, programme=programme) if programme else []
    default_village = workspace.village.code if workspace.village else ""
    form = GroupFilterForm(
        request.GET or None, villages=villages, initial={"village": default_village}
    )
    data = form.cleaned_data if form.is_valid() else {}
    groups = selectors.group_list(
        user=request.user,
        organisation_id=programme.organisation_id if programme else None,
        village=data.get("village", default_village) if form.is_bound else default_village,
        kind=data.get("kind", ""),
    )
    figures = None
    if is_viewer(request.user) and programme:
        figures = group_figures(
            request.user, Group.objects.filter(organisation_id=programme.organisation_id)
        )
    return render(
        request,
        "groups/group_list.html",
        {"form": form, "groups": groups, "can_create": bool(villages), "figures": figures},
    )


@GET_POST
def group_create(request):
    workspace = workspace_for(request)
    programme = workspace.programme
    villages = list(recording_villages(user=request.user, programme=programme)) if programme else []
    if not villages:
        raise PermissionDenied(NOT_RECORDING)
    default_village = workspace.village.code if workspace.village else villages[0].code
    form = GroupForm(_posted(request), villages=villages, initial={"village": default_village})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                user=request.user,
                organisation_id=programme.organisation_id,
                village_code=data["village"],
                name=data["name"],
                kind=data["kind"],
                existed_before_programme=data["existed_before_programme"] == "yes",
                founded_on=data["founded_on"],
                programme=programme,
                bylaws=data["bylaws"],
                meeting_schedule=data["meeting_schedule"],
                latitude=data["latitude"],
                longitude=data["longitude"],
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("The group was registered. Now add its members."))
            return redirect("groups:detail", group_id=group.pk)
    status = 422 if form.errors else 200
    return render(
        request, "groups/group_form.html", {"form": form, "programme": programme}, status=status
    )


def _detail(request, group, *, status=200, member_form=None, leave_form=None, picked=None):
    today = timezone.localdate()
    members = list(group.members.all())
    assessments = selectors.assessments_of(group)
    points = [(a.assessment.assessed_on, a.mean) for a in reversed(assessments) if a.mean]
    chart = (
        charts.maturity_over_time(
            points,
            title=_("Mean maturity score of %(group)s at each assessment (1 to 4)")
            % {"group": group.name},
        )
        if points
        else None
    )
    context = {
        "group": group,
        "current": [m for m in members if m.left_on is None],
        "former": [m for m in members if m.left_on is not None],
        "member_form": member_form or MemberForm(initial={"joined_on": today, "role": "member"}),
        "leave_form": leave_form,
        "today": today,
        "picked": picked,
        "meetings": selectors.meetings_of(group, user=request.user)[:20],
        "assessments": assessments,
        "latest": assessments[0] if assessments else None,
        "chart": chart,
        "stages": [(float(threshold), label) for threshold, _code, label in reversed(STAGES)],
    }
    return render(request, "groups/group_detail.html", context, status=status)


@require_GET
def group_detail(request, group_id: int):
    group = selectors.group_get(user=request.user, pk=group_id)
    return _detail(request, group)


@require_POST
def member_add(request, group_id: int):
    group = selectors.group_get(user=request.user, pk=group_id)
    form = MemberForm(request.POST)
    picked = None
    if form.is_valid():
        data = form.cleaned_data
        picked = person_for(
            user=request.user, pk=data["person"], organisation_id=group.organisation_id
        )
        try:
            if picked is None:
                raise ValidationFailed(
                    _("Choose a person registered in this village."), field="person"
                )
            services.group_member_add(
                group=group, person=picked, joined_on=data["joined_on"], role=data["role"]
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(name)s joined the group.") % {"name": picked.name})
            return redirect(reverse("groups:detail", args=[group.pk]) + "#members")
    return _detail(request, group, status=422, member_form=form, picked=picked)


@require_POST
def member_leave(request, group_id: int):
    group = selectors.group_get(user=request.user, pk=group_id)
    form = LeaveForm(request.POST)
    if form.is_valid():
        membership = selectors.membership_of(group=group, pk=form.cleaned_data["membership"])
        try:
            if membership is None or membership.left_on is not None:
                raise ValidationFailed(_("This person is not a current member."))
            services.group_member_leave(membership=membership, left_on=form.cleaned_data["left_on"])
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("%(name)s left the group.") % {"name": membership.person.name}
            )
            return redirect(reverse("groups:detail", args=[group.pk]) + "#members")
    return _detail(request, group, status=422, leave_form=form)


@GET_POST
def group_assess(request, group_id: int):
    group = selectors.group_get(user=request.user, pk=group_id)
    rubric = selectors.rubric_for(group)
    if rubric is not None:
        criteria = [(c.key, c.label, c.guidance) for c in rubric.criteria.all()]
    else:  # the default rubric, made on the first assessment
        criteria = [(key, label, "") for key, label in services.DEFAULT_CRITERIA]
    form = AssessmentForm(
        _posted(request), criteria=criteria, initial={"assessed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.group_assess_maturity(
                group=group,
                rubric=rubric or services.rubric_default(programme=group.programme),
                assessed_on=form.cleaned_data["assessed_on"],
                scores=form.scores(),
                user=request.user,
                notes=form.cleaned_data["notes"],
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            summary = next(
                s for s in selectors.assessments_of(group) if s.assessment.pk == assessment.pk
            )
            messages.success(
                request,
                _("The assessment was recorded: %(stage)s.") % {"stage": summary.stage[1]},
            )
            return redirect(reverse("groups:detail", args=[group.pk]) + "#maturity")
    status = 422 if form.errors else 200
    return render(
        request,
        "groups/assessment_form.html",
        {"group": group, "form": form, "rubric": rubric},
        status=status,
    )


@GET_POST
def programme_rubric(request, programme_id: int):
    """The programme's maturity rubric: its managers change it, every version is kept."""
    programme = programme_get(user=request.user, pk=programme_id)
    manages = may_manage(request.user, programme)
    current = selectors.current_rubric(programme.pk)
    if current is not None:
        rows = [{"label": c.label, "guidance": c.guidance} for c in current.criteria.all()]
        name = current.name
    else:  # the default applies until the programme saves its own
        rows = [{"label": str(label), "guidance": ""} for _key, label in services.DEFAULT_CRITERIA]
        name = _("Group maturity")
    formset = CriterionFormSet(_posted(request), initial=rows, prefix="criterion")
    form = RubricForm(_posted(request), initial={"name": name})
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(_("Only the programme's managers change its rubric."))
        if form.is_valid() and formset.is_valid():
            try:
                services.rubric_revise(
                    programme=programme,
                    name=form.cleaned_data["name"],
                    criteria=[
                        services.CriterionInput(f.get("label", ""), f.get("guidance", ""))
                        for f in formset.cleaned_data
                    ],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationFailed as error:
                show_error(form, error)  # by its field, or above the form
            else:
                messages.success(request, _("The rubric was saved; the next assessments use it."))
                return redirect("groups:rubric", programme_id=programme.pk)
    invalid = bool(form.errors or formset.total_error_count())
    return render(
        request,
        "groups/rubric.html",
        {
            "programme": programme,
            "current": current,
            "default_rows": rows if current is None else None,
            "form": form,
            "formset": formset,
            "manages": manages,
            "versions": selectors.rubric_versions(programme.pk),
        },
        status=422 if invalid else 200,
    )
