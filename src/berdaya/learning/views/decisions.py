"""Graduation and exit, the Rothman diagnostic, and learning reviews."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from berdaya.core.access import get_visible_or_404, visible_to
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.facilitation.models import Activity
from berdaya.groups.selectors import groups_visible_to
from berdaya.registry.selectors import households_visible_to

from .. import graduation, rothman, services
from ..forms import ApproveForm, GraduationForm, RecommendForm, ReviewForm, RothmanForm, VisitForm
from ..models import GraduationAssessment, Indicator, LearningReview, Story
from ._common import GET_POST, posted, programme_context

# -- graduation --------------------------------------------------------------------------------


def _readiness(assessment) -> tuple:
    scores = [(s.score, s.criterion.weight) for s in assessment.scores.all()]
    return graduation.readiness(scores), [
        s.criterion for s in assessment.scores.all() if s.criterion.required and s.score < 100
    ]


@GET_POST
def graduation_page(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    if request.method == "POST":
        try:
            services.pathway_default_household(programme=programme, user=request.user)
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The household pathway was added."))
        return redirect("learning:graduation", programme_id=programme.pk)
    pathways = list(programme.graduation_pathways.prefetch_related("criteria"))
    assessments = []
    if context["personal"]:
        for a in (
            visible_to(
                request.user, GraduationAssessment.objects.filter(pathway__programme=programme)
            )
            .select_related("household", "group", "village", "pathway")
            .prefetch_related("scores__criterion", "household__members")
            .order_by("-assessed_on", "-pk")[:100]
        ):
            ready, failed = _readiness(a)
            assessments.append((a, ready, failed))
    decisions = Counter(
        GraduationAssessment.objects.filter(
            pathway__programme=programme, village__in=[v.code for v in context["villages"]]
        ).values_list("decision", flat=True)
    )
    context.update(
        pathways=pathways,
        assessments=assessments,
        decisions=[
            (label, decisions.get(code, 0)) for code, label in GraduationAssessment.Decision.choices
        ],
        has_household_pathway=any(p.level == "household" for p in pathways),
    )
    return render(request, "learning/graduation.html", context)


@GET_POST
def graduation_assess(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    villages = context["recording_villages"]
    if not villages:
        raise PermissionDenied(_("You do not work in a village of this programme."))
    pathways = list(programme.graduation_pathways.all())
    wanted = request.GET.get("pathway", "")
    pathway = next((p for p in pathways if str(p.pk) == wanted), pathways[0] if pathways else None)
    if pathway is None:
        messages.error(request, _("Set a graduation pathway first."))
        return redirect("learning:graduation", programme_id=programme.pk)
    codes = [v.code for v in villages]
    households = (
        households_visible_to(request.user)
        .filter(organisation_id=programme.organisation_id, village_id__in=codes, status="active")
        .select_related("village")
        .prefetch_related("members")
    )
    groups = groups_visible_to(request.user).filter(programme=programme, village_id__in=codes)
    form = GraduationForm(
        posted(request),
        pathway=pathway,
        villages=villages,
        households=households,
        groups=groups,
        initial={
            "assessed_on": timezone.localdate(),
            "household": request.GET.get("household", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.graduation_assess(
                user=request.user,
                pathway=pathway,
                village_code=data["village"],
                assessed_on=data["assessed_on"],
                scores=form.scores(),
                household=households.filter(pk=data["household"]).first()
                if data["household"]
                else None,
                group=groups.filter(pk=data["group"]).first() if data["group"] else None,
                notes=data["notes"],
            )
        except ValidationFailed as error:
            if error.field in {c.key for c in form.criteria}:
                error.field = f"score_{error.field}"
            show_error(form, error)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect("learning:graduation-detail", graduation_id=assessment.pk)
    context.update(form=form, pathway=pathway, pathways=pathways)
    return render(
        request, "learning/graduation_form.html", context, status=422 if form.errors else 200
    )


def _graduation(request, graduation_id):
    return get_visible_or_404(
        request.user,
        GraduationAssessment.objects.select_related(
            "pathway__programme", "household", "group", "village", "recommended_by", "approved_by"
        ).prefetch_related("scores__criterion", "visits", "household__members"),
        pk=graduation_id,
    )


def _graduation_page(request, assessment, *, status=200, **forms):
    from berdaya.programmes.selectors import may_manage

    ready, failed = _readiness(assessment)
    months = assessment.pathway.monitor_months
    due = []
    if assessment.approved_on and assessment.decision in ("graduate", "exit"):
        for month in (3, 6, 12, 18, 24, 36):
            if month <= months:
                day = assessment.approved_on
                year, mon = divmod(day.month - 1 + month, 12)
                due.append(
                    (month, day.replace(year=day.year + year, month=mon + 1, day=min(day.day, 28)))
                )
    today = timezone.localdate()
    context = {
        "assessment": assessment,
        "programme": assessment.pathway.programme,
        "readiness": ready,
        "failed": failed,
        "manages": may_manage(request.user, assessment.pathway.programme),
        "recommend_form": forms.get("recommend_form") or RecommendForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(initial={"approved_on": today}),
        "visit_form": forms.get("visit_form") or VisitForm(initial={"visited_on": today}),
        "due": due,
    }
    return render(request, "learning/graduation_detail.html", context, status=status)


@require_GET
def graduation_detail(request, graduation_id: int):
    return _graduation_page(request, _graduation(request, graduation_id))


@require_POST
def graduation_decide(request, graduation_id: int):
    assessment = _graduation(request, graduation_id)
    action = request.POST.get("action", "")
    forms_by_action = {
        "recommend": (RecommendForm, "recommend_form"),
        "approve": (ApproveForm, "approve_form"),
        "visit": (VisitForm, "visit_form"),
    }
    form_class, name = forms_by_action.get(action, (RecommendForm, "recommend_form"))
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "approve":
                services.graduation_approve(
                    assessment=assessment, approved_on=data["approved_on"], user=request.user
                )
            elif action == "visit":
                services.post_exit_visit(assessment=assessment, user=request.user, **data)
            else:
                services.graduation_recommend(
                    assessment=assessment,
                    decision=data["decision"],
                    reason=data["reason"],
                    user=request.user,
                )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("learning:graduation-detail", graduation_id=assessment.pk)
    return _graduation_page(request, assessment, status=422, **{name: form})


# -- Rothman -----------------------------------------------------------------------------------


@GET_POST
def rothman_page(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    diagnostics = list(programme.rothman_diagnostics.prefetch_related("answers"))
    latest = diagnostics[0] if diagnostics else None
    initial = {"answered_on": timezone.localdate()}
    if latest:
        initial.update({f"v{a.variable}": a.models_chosen for a in latest.answers.all()})
    form = RothmanForm(posted(request), initial=initial)
    if request.method == "POST":
        if not context["manages"]:
            raise PermissionDenied(_("Only the programme's managers answer the diagnostic."))
        if form.is_valid():
            try:
                services.rothman_answer(
                    programme=programme,
                    answered_on=form.cleaned_data["answered_on"],
                    answers=form.answers(),
                    notes=form.cleaned_data["notes"],
                    user=request.user,
                )
            except ValidationFailed as error:
                show_error(form, error)
            else:
                messages.success(request, _("The diagnostic was saved."))
                return redirect("learning:rothman", programme_id=programme.pk)
    placement = None
    if latest:
        placement = rothman.placement({a.variable: a.models_chosen for a in latest.answers.all()})
    activities = Activity.objects.filter(
        programme=programme, village_id__in=[v.code for v in context["villages"]]
    )
    if latest:
        start = latest.answered_on.replace(year=latest.answered_on.year - 1)
        activities = activities.filter(held_on__gt=start, held_on__lte=latest.answered_on)
    seen = rothman.observed(activities)
    context.update(
        form=form,
        latest=latest,
        diagnostics=diagnostics,
        placement=placement,
        seen=seen,
        gaps=rothman.gaps(placement, seen) if placement else [],
        models=[(m, rothman.MODEL_NAMES[m]) for m in rothman.MODELS],
        answers={a.variable: a.models_chosen for a in latest.answers.all()} if latest else {},
        variables=rothman.VARIABLES,
    )
    return render(request, "learning/rothman.html", context, status=422 if form.errors else 200)


# -- learning reviews --------------------------------------------------------------------------


@GET_POST
def review_list(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    codes = [v.code for v in context["recording_villages"]]
    stories = (
        visible_to(request.user, Story.objects.filter(programme=programme))
        .filter(selections__isnull=False)
        .distinct()
        .select_related("village")
    )
    indicators = visible_to(request.user, Indicator.objects.filter(programme=programme))
    form = ReviewForm(
        posted(request),
        villages=context["recording_villages"],
        stories=stories,
        indicators=indicators,
        initial={"held_on": timezone.localdate(), "village": codes[0] if len(codes) == 1 else ""},
    )
    if request.method == "POST":
        if not codes:
            raise PermissionDenied(_("You do not work in a village of this programme."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                review = services.review_record(
                    user=request.user,
                    programme=programme,
                    village_code=data["village"] or None,
                    held_on=data["held_on"],
                    what_worked=data["what_worked"],
                    what_failed=data["what_failed"],
                    why=data["why"],
                    what_changes=data["what_changes"],
                    stories=list(stories.filter(pk__in=data["stories"])),
                    indicators=list(indicators.filter(pk__in=data["indicators"])),
                )
            except ValidationFailed as error:
                show_error(form, error)
            else:
                messages.success(request, _("The review was recorded."))
                return redirect("learning:review-detail", review_id=review.pk)
    context.update(
        form=form,
        reviews=visible_to(
            request.user, LearningReview.objects.filter(programme=programme)
        ).select_related("village"),
    )
    return render(request, "learning/reviews.html", context, status=422 if form.errors else 200)


@require_GET
def review_detail(request, review_id: int):
    review = get_visible_or_404(
        request.user,
        LearningReview.objects.select_related("programme", "village", "created_by"),
        pk=review_id,
    )
    stories = visible_to(request.user, review.stories.all())
    from berdaya.programmes.selectors import may_manage

    from ..forms import CiteForm

    uncited = review.programme.revisions.filter(review__isnull=True)
    return render(
        request,
        "learning/review_detail.html",
        {
            "review": review,
            "programme": review.programme,
            "stories": stories,
            "indicators": review.indicators.all(),
            "revisions": review.plan_revisions.all(),
            "cite_form": CiteForm(revisions=uncited)
            if may_manage(request.user, review.programme) and uncited.exists()
            else None,
        },
    )


@GET_POST
def pathway_create(request, programme_id: int):
    from ..forms import CriterionFormSet, PathwayForm

    programme, context = programme_context(request, programme_id)
    if request.method == "POST" and not context["manages"]:
        raise PermissionDenied(_("Only the programme's managers set graduation pathways."))
    form = PathwayForm(posted(request))
    formset = CriterionFormSet(posted(request), prefix="criterion")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            services.pathway_create(
                programme=programme,
                level=data["level"],
                name=data["name"],
                monitor_months=data["monitor_months"],
                based_on=data["based_on"],
                criteria=[
                    (row["label"], row["method"], row["weight"], row["required"])
                    for row in formset.cleaned_data
                    if row and row.get("label", "").strip()
                ],
                user=request.user,
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("The pathway was added."))
            return redirect("learning:graduation", programme_id=programme.pk)
    context.update(form=form, formset=formset)
    invalid = form.errors or formset.total_error_count()
    return render(request, "learning/pathway_form.html", context, status=422 if invalid else 200)


@require_POST
def review_cite(request, review_id: int):
    from ..forms import CiteForm

    review = get_visible_or_404(
        request.user, LearningReview.objects.select_related("programme"), pk=review_id
    )
    revisions = review.programme.revisions.filter(review__isnull=True)
    form = CiteForm(request.POST, revisions=revisions)
    if form.is_valid():
        try:
            services.review_cite_in_revision(
                review=review,
                revision=revisions.get(pk=form.cleaned_data["revision"]),
                user=request.user,
            )
        except ValidationFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The plan revision now cites this review."))
    else:
        messages.error(request, _("Choose a plan revision."))
    return redirect("learning:review-detail", review_id=review.pk)
