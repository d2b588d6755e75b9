"""Empowerment assessments and the self-reliance index."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.groups.selectors import groups_visible_to

from .. import selfreliance, services
from ..forms import EmpowermentForm, RubricChoiceForm
from ..selectors import practice as selectors
from ._common import GET_POST, posted, programme_context


@require_GET
def empowerment_page(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    village = request.GET.get("village", "")
    context.update(
        rubric=services.rubric_current(programme=programme),
        trends=selectors.empowerment_trends(
            user=request.user, programme=programme, village_code=village
        ),
        assessments=selectors.empowerment_visible_to(request.user).filter(programme=programme)[:50]
        if context["personal"]
        else [],
        rubric_form=RubricChoiceForm(),
        versions=programme.empowerment_rubrics.all(),
        chosen_village=village,
    )
    return render(request, "learning/empowerment.html", context)


@require_POST
def empowerment_rubric(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    form = RubricChoiceForm(request.POST)
    if form.is_valid():
        try:
            services.rubric_adopt(
                programme=programme,
                framework=form.cleaned_data["framework"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("The rubric was changed; earlier assessments keep theirs."))
            return redirect("learning:empowerment", programme_id=programme.pk)
    context.update(
        rubric=services.rubric_current(programme=programme),
        trends=selectors.empowerment_trends(user=request.user, programme=programme),
        assessments=[],
        rubric_form=form,
        versions=programme.empowerment_rubrics.all(),
    )
    return render(request, "learning/empowerment.html", context, status=422)


@GET_POST
def empowerment_assess(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    villages = context["recording_villages"]
    if not villages:
        raise PermissionDenied(_("You do not work in a village of this programme."))
    rubric = services.rubric_current(programme=programme)
    groups = groups_visible_to(request.user).filter(
        programme=programme, village__in=[v.code for v in villages]
    )
    form = EmpowermentForm(
        posted(request),
        villages=villages,
        groups=groups,
        domains=rubric.domains.all(),
        initial={"assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.empowerment_assess(
                user=request.user,
                programme=programme,
                village_code=data["village"],
                rubric=rubric,
                assessed_on=data["assessed_on"],
                participants=data["participants"],
                scores=form.scores(),
                group=groups.filter(pk=data["group"]).first() if data["group"] else None,
                notes=data["notes"],
            )
        except ValidationFailed as error:
            if error.field in {d.key for d in form.domains}:
                error.field = f"score_{error.field}"
            show_error(form, error)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect("learning:empowerment-detail", empowerment_id=assessment.pk)
    context.update(form=form, rubric=rubric)
    return render(
        request, "learning/empowerment_form.html", context, status=422 if form.errors else 200
    )


@require_GET
def empowerment_detail(request, empowerment_id: int):
    assessment = selectors.empowerment_get(user=request.user, pk=empowerment_id)
    return render(
        request,
        "learning/empowerment_detail.html",
        {"assessment": assessment, "programme": assessment.programme},
    )


@require_GET
def self_reliance_page(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    years = selfreliance.programme_years(programme, today=timezone.localdate())
    places = [(v.name, [v.code]) for v in context["villages"]]
    if len(places) > 1:
        places.append((_("All my villages"), [v.code for v in context["villages"]]))
    tables = []
    for name, codes in places:
        rows = [
            selfreliance.self_reliance(programme=programme, village_codes=codes, year=year)
            for year in years
        ]
        tables.append((name, rows))
    context.update(
        tables=tables,
        years=years,
        weights=[(str(selfreliance.LABELS[k]), w) for k, w in selfreliance.WEIGHTS.items()],
        # Said once above the tables when no year of any village has ledger money.
        money_missing=all(
            part.share is None
            for _name, rows in tables
            for row in rows
            for part in row.parts
            if part.key == "money"
        ),
    )
    return render(request, "learning/self_reliance.html", context)


@require_GET
def programme_learning(request, programme_id: int):
    from ..models import Indicator, Panel
    from ..selectors.msc import countable_stories

    programme, context = programme_context(request, programme_id)
    years = selfreliance.programme_years(programme, today=timezone.localdate())
    codes = [v.code for v in context["villages"]]
    context.update(
        stories=countable_stories(user=request.user, programme=programme).count(),
        panels=Panel.objects.filter(programme=programme, covers__in=codes).distinct().count(),
        indicators=Indicator.objects.filter(programme=programme, villages__in=codes)
        .distinct()
        .count(),
        self_reliance=selfreliance.self_reliance(
            programme=programme, village_codes=codes, year=years[-1]
        )
        if years and codes
        else None,
    )
    return render(request, "learning/programme.html", context)


@require_GET
def village_learning(request, village_code: str):
    """The learning of every programme of the user's in one village (aggregates only)."""
    from berdaya.community.selectors import village_for_user
    from berdaya.core.access import village_codes_for
    from berdaya.programmes.selectors import programmes_visible_to

    from ..models import Selection
    from ..selectors.msc import countable_stories

    village = village_for_user(user=request.user, code=village_code)
    items = []
    today = timezone.localdate()
    for programme in programmes_visible_to(request.user).filter(villages=village):
        stories = countable_stories(user=request.user, programme=programme).filter(
            village_id=village.code
        )
        years = selfreliance.programme_years(programme, today=today)
        items.append(
            {
                "programme": programme,
                "personal": village.code
                in village_codes_for(
                    request.user, personal=True, organisation_id=programme.organisation_id
                ),
                "stories": stories.count(),
                "chosen": Selection.objects.filter(story__in=stories)
                .values("story")
                .distinct()
                .count(),
                "self_reliance": selfreliance.self_reliance(
                    programme=programme, village_codes=[village.code], year=years[-1]
                )
                if years
                else None,
            }
        )
    return render(request, "learning/village.html", {"village": village, "programmes": items})
