"""Most Significant Change pages: record a story on a phone, panels choose, tellers hear back."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from berdaya.core.access import get_visible_or_404
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.facilitation.forms import show_error
from berdaya.facilitation.selectors import person_for
from berdaya.programmes.vocabulary import Stage, Strategy
from berdaya.registry.exports import FORMULA_STARTS
from berdaya.registry.indicators import PovertyStatus

from .. import services
from ..forms import (
    AnalyseForm,
    AttachmentForm,
    DomainsForm,
    FeedbackForm,
    PanelForm,
    PeriodForm,
    SelectionForm,
    StoryForm,
    VerificationForm,
)
from ..models import Consent, Panel, StoryAttachment
from ..selectors import msc as selectors
from ._common import GET_POST, posted, programme_context


@require_GET
def story_list(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    village = request.GET.get("village", "")
    period = request.GET.get("period", "")
    if context["personal"]:
        stories = selectors.programme_stories(
            user=request.user,
            programme=programme,
            village=village,
            period_id=int(period) if period.isdigit() else None,
        )
        context["stories"] = stories[:200]
    else:
        context["shared"] = selectors.shared_stories(user=request.user, programme=programme)
    context.update(
        periods=selectors.periods_of(programme),
        chosen_village=village,
        chosen_period=period,
    )
    return render(request, "learning/story_list.html", context)


def _story_form(request, programme, context):
    domain_set = services.domains_current(programme=programme)
    periods = list(selectors.periods_of(programme))
    today = timezone.localdate()
    current = next((p for p in periods if p.starts_on <= today <= p.ends_on), None)
    workspace_village = request.session.get("berdaya_village")
    codes = [v.code for v in context["recording_villages"]]
    return StoryForm(
        posted(request),
        request.FILES or None,
        villages=context["recording_villages"],
        periods=periods,
        domains=domain_set.domains.all(),
        initial={
            "collected_on": today,
            "period": str(current.pk) if current else "",
            "village": workspace_village if workspace_village in codes else "",
            "source": "interview",
        },
    ), domain_set


@GET_POST
def story_create(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    if not context["recording_villages"]:
        raise PermissionDenied(_("You do not work in a village of this programme."))
    form, domain_set = _story_form(request, programme, context)
    picked = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["person"]:
                picked = person_for(
                    user=request.user, pk=data["person"], organisation_id=programme.organisation_id
                )
                if picked is None:
                    raise ValidationFailed(
                        _("Choose a person registered in this village."), field="person"
                    )
            with transaction.atomic():  # the story and its file, or nothing
                story = services.story_record(
                    user=request.user,
                    programme=programme,
                    village_code=data["village"],
                    period=selectors.periods_of(programme).get(pk=data["period"]),
                    domain=domain_set.domains.get(pk=data["domain"]),
                    title=data["title"],
                    what_happened=data["what_happened"],
                    why_significant=data["why_significant"],
                    source=data["source"],
                    collected_on=data["collected_on"],
                    consent=data["consent"],
                    storyteller=picked,
                    storyteller_name=data["storyteller_name"],
                    storyteller_sex=data["storyteller_sex"],
                    storyteller_age=data["storyteller_age"],
                    people_affected=data["people_affected"],
                    households_affected=data["households_affected"],
                )
                if data.get("file"):
                    services.story_attach(story=story, upload=data["file"], user=request.user)
        except ValidationFailed as error:
            if error.field == "storyteller":
                error.field = "person"
            show_error(form, error)
        else:
            messages.success(request, _("The story was kept."))
            return redirect("learning:story-detail", story_id=story.pk)
    context.update(form=form, picked=picked)
    return render(request, "learning/story_form.html", context, status=422 if form.errors else 200)


def _story_page(request, story, *, status=200, **forms):
    today = timezone.localdate()
    context = {
        "story": story,
        "programme": story.programme,
        "feedback_form": forms.get("feedback_form")
        or FeedbackForm(initial={"told_on": today, "audience": "storyteller"}),
        "verification_form": forms.get("verification_form")
        or VerificationForm(initial={"verified_on": today}),
        "analyse_form": forms.get("analyse_form")
        or AnalyseForm(
            initial={
                "stage": story.stage,
                "strategies": story.strategies,
                "themes": ", ".join(story.themes),
                "people_affected": story.people_affected,
                "households_affected": story.households_affected,
            }
        ),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "stage_label": dict(Stage.choices).get(story.stage, ""),
        "strategy_labels": [label for code, label in Strategy.choices if code in story.strategies],
    }
    return render(request, "learning/story_detail.html", context, status=status)


@require_GET
def story_detail(request, story_id: int):
    return _story_page(request, selectors.story_get(user=request.user, pk=story_id))


def _story_post(request, story_id, form_class, name, write):
    story = selectors.story_get(user=request.user, pk=story_id)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            write(story, form)
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("learning:story-detail", args=[story.pk]) + f"#{name}")
    return _story_page(request, story, status=422, **{f"{name}_form": form})


@require_POST
def story_feedback(request, story_id: int):
    return _story_post(
        request,
        story_id,
        FeedbackForm,
        "feedback",
        lambda story, form: services.feedback_record(
            story=story, user=request.user, **form.cleaned_data
        ),
    )


@require_POST
def story_verify(request, story_id: int):
    return _story_post(
        request,
        story_id,
        VerificationForm,
        "verification",
        lambda story, form: services.verification_record(
            story=story, user=request.user, **form.cleaned_data
        ),
    )


@require_POST
def story_analyse(request, story_id: int):
    def write(story, form):
        data = form.cleaned_data
        services.story_analyse(
            story=story,
            stage=data["stage"],
            strategies=data["strategies"],
            themes=form.theme_list(),
            people_affected=data["people_affected"],
            households_affected=data["households_affected"],
        )

    return _story_post(request, story_id, AnalyseForm, "analyse", write)


@require_POST
def story_attach(request, story_id: int):
    return _story_post(
        request,
        story_id,
        AttachmentForm,
        "attachment",
        lambda story, form: services.story_attach(
            story=story, upload=form.cleaned_data["file"], user=request.user
        ),
    )


@require_GET
def story_attachment(request, story_attachment_id: int):
    attachment = get_visible_or_404(
        request.user, StoryAttachment.objects.select_related("story"), pk=story_attachment_id
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


# -- domains and periods -----------------------------------------------------------------------


@GET_POST
def domains_page(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    current = services.domains_current(programme=programme)
    lines = "\n".join(
        f"{d.label}: {d.description}" if d.description else d.label for d in current.domains.all()
    )
    form = DomainsForm(posted(request), initial={"domains": lines})
    period_form = PeriodForm(None)
    if request.method == "POST" and form.is_valid():
        try:
            services.domains_revise(
                programme=programme,
                domains=form.rows(),
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("The domains were saved; the earlier version is kept."))
            return redirect("learning:domains", programme_id=programme.pk)
    context.update(
        current=current,
        versions=programme.msc_domain_sets.prefetch_related("domains"),
        form=form,
        period_form=period_form,
        periods=selectors.periods_of(programme),
    )
    return render(request, "learning/domains.html", context, status=422 if form.errors else 200)


@require_POST
def period_add(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            services.period_create(programme=programme, user=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("The period was added."))
            return redirect("learning:domains", programme_id=programme.pk)
    current = services.domains_current(programme=programme)
    context.update(
        current=current,
        versions=programme.msc_domain_sets.prefetch_related("domains"),
        form=DomainsForm(initial={}),
        period_form=form,
        periods=selectors.periods_of(programme),
    )
    return render(request, "learning/domains.html", context, status=422)


# -- panels ------------------------------------------------------------------------------------


@GET_POST
def panel_list(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    levels = [Panel.Level.VILLAGE] if context["recording_villages"] else []
    if context["manages"]:
        levels = [Panel.Level.VILLAGE, Panel.Level.PROGRAMME, Panel.Level.FUNDER]
    form = PanelForm(
        posted(request),
        periods=selectors.periods_of(programme),
        villages=context["recording_villages"],
        levels=levels,
        initial={"met_on": timezone.localdate(), "method": "votes"},
    )
    if request.method == "POST":
        if not levels:
            raise PermissionDenied(_("You do not work in a village of this programme."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                panel = services.panel_hold(
                    user=request.user,
                    programme=programme,
                    period=selectors.periods_of(programme).get(pk=data["period"]),
                    level=data["level"],
                    village_code=data["village"] or None,
                    met_on=data["met_on"],
                    method=data["method"],
                    members=form.member_rows(),
                    notes=data["notes"],
                )
            except ValidationFailed as error:
                show_error(form, error)
            else:
                messages.success(request, _("The panel was recorded: now record its choices."))
                return redirect("learning:panel-detail", panel_id=panel.pk)
    context.update(
        panels=selectors.panels_of(user=request.user, programme=programme),
        form=form,
        can_hold=bool(levels),
    )
    return render(request, "learning/panel_list.html", context, status=422 if form.errors else 200)


def _panel_domains(panel, candidates):
    """The programme's current domains, and any older domain a story of the period was told
    under (so a revision of the domains mid-period leaves no story unselectable)."""
    from ..models import ChangeDomain

    current = list(services.domains_current(programme=panel.programme).domains.all())
    known = {d.pk for d in current}
    older = ChangeDomain.objects.filter(pk__in=set(candidates) - known).order_by("order", "pk")
    return current + list(older)


def _panel_page(request, panel, *, status=200, failed=None):
    candidates = selectors.panel_candidates(user=request.user, panel=panel)
    chosen = {s.domain_id: s for s in panel.selections.select_related("story", "domain")}
    readable = set(
        selectors.stories_visible_to(request.user)
        .filter(pk__in=[s.story_id for s in chosen.values()])
        .values_list("pk", flat=True)
    )
    rows = []
    for domain in _panel_domains(panel, candidates):
        stories = candidates.get(domain.pk, [])
        form = None
        if domain.pk not in chosen and stories:
            if failed is not None and failed.domain_pk == domain.pk:
                form = failed
            else:
                form = SelectionForm(stories=stories, domain_pk=domain.pk)
        selection = chosen.get(domain.pk)
        rows.append(
            {
                "domain": domain,
                "stories": stories,
                "selection": selection,
                # Who may read the chosen story: its title is shown only where consent allows.
                "readable": selection is not None and selection.story_id in readable,
                "shareable": selection is not None and selection.story.shareable,
                "form": form,
            }
        )
    context = {
        "panel": panel,
        "programme": panel.programme,
        "rows": rows,
        "may_choose": _may_choose(request.user, panel),
    }
    return render(request, "learning/panel_detail.html", context, status=status)


def _may_choose(user, panel) -> bool:
    from berdaya.core.access import village_codes_for
    from berdaya.programmes.selectors import may_manage

    if panel.level == Panel.Level.VILLAGE:
        return panel.village_id in village_codes_for(
            user, personal=True, organisation_id=panel.programme.organisation_id
        )
    return may_manage(user, panel.programme)


@require_GET
def panel_detail(request, panel_id: int):
    return _panel_page(request, selectors.panel_get(user=request.user, pk=panel_id))


@require_POST
def panel_select(request, panel_id: int):
    panel = selectors.panel_get(user=request.user, pk=panel_id)
    if not _may_choose(request.user, panel):
        raise PermissionDenied(_("Only the panel's own organisers record its choices."))
    domain_pk = request.POST.get("domain", "")
    candidates = selectors.panel_candidates(user=request.user, panel=panel)
    domain = next((d for d in _panel_domains(panel, candidates) if str(d.pk) == domain_pk), None)
    if domain is None:
        messages.error(request, _("Choose a domain of change."))
        return _panel_page(request, panel, status=422)
    stories = candidates.get(domain.pk, [])
    form = SelectionForm(request.POST, stories=stories, domain_pk=domain.pk)
    if form.is_valid():
        data = form.cleaned_data
        tally = data["tally"]
        try:
            if panel.method == Panel.Method.SCORING:
                if len(tally) > 1:
                    raise ValidationFailed(_("Scoring has one line of scores."), field="tally")
                tally = tally[0] if tally else {}
            services.selection_record(
                panel=panel,
                domain=domain,
                story=next(s for s in stories if str(s.pk) == data["story"]),
                reasons=data["reasons"],
                dissent=data["dissent"],
                tally=tally,
            )
        except ValidationFailed as error:
            show_error(form, error)
        else:
            messages.success(request, _("The choice and its reasons were recorded."))
            return redirect("learning:panel-detail", panel_id=panel.pk)
    return _panel_page(request, panel, status=422, failed=form)


# -- secondary analysis, meta-monitoring, export -----------------------------------------------


@require_GET
def msc_analysis(request, programme_id: int):
    programme, context = programme_context(request, programme_id)
    stories = selectors.countable_stories(user=request.user, programme=programme)
    analysis = selectors.story_analysis(stories)
    sexes = {"L": _("Male"), "P": _("Female"), "unknown": _("Not known")}
    bands = dict(
        [
            ("child", _("Under 18")),
            ("youth", "18–29"),
            ("adult", "30–59"),
            ("elderly", _("60 or older")),
        ]
    )
    poverty = dict(PovertyStatus.choices)
    stages = dict(Stage.choices)
    strategies = dict(Strategy.choices)
    unknown = _("Not known")

    def rows(counter, labels=None):
        return sorted(
            (
                (str((labels or {}).get(k, unknown if k == "unknown" else k)), n)
                for k, n in counter.items()
            ),
            key=lambda item: -item[1],
        )

    context.update(
        analysis=analysis,
        tables=[
            (_("By domain"), rows(analysis.by_domain)),
            (_("By village"), rows(analysis.by_village)),
            (_("By the storyteller's sex"), rows(analysis.by_sex, sexes)),
            (_("By the storyteller's age"), rows(analysis.by_age_band, bands)),
            (_("By the storyteller's poverty status"), rows(analysis.by_poverty, poverty)),
            (_("By 5P stage"), rows(analysis.by_stage, stages)),
            (_("By strategy"), rows(analysis.by_strategy, strategies)),
        ],
        monitoring=selectors.meta_monitoring(user=request.user, programme=programme),
    )
    return render(request, "learning/msc_analysis.html", context)


def _log_export(user, stories, *, identified: bool) -> None:
    """Account for the export (UU PDP), like the registry's: who, how many rows."""
    from berdaya.core.models import PersonalDataAccess

    count = stories.count()
    if not count:
        return
    PersonalDataAccess.objects.create(
        user=user,
        organisation_id=stories.first().organisation_id,
        action=PersonalDataAccess.Action.EXPORT_IDENTIFIED
        if identified
        else PersonalDataAccess.Action.EXPORT,
        object_type="story",
        row_count=count,
        purpose="MSC",
    )


def _csv_text(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


@require_GET
def stories_export(request, programme_id: int):
    """Stories whose tellers agreed to sharing; a name only where they agreed to be named.

    De-identified for everyone but the programme's managers: no registry link, no name.
    """
    programme, context = programme_context(request, programme_id)
    if not context["personal"]:
        raise PermissionDenied(_("Viewers read the shared stories on the page."))
    stories = selectors.programme_stories(user=request.user, programme=programme).filter(
        consent__in=[Consent.NAMED, Consent.ANONYMOUS]
    )
    named = context["manages"]
    _log_export(request.user, stories, identified=named)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Period"),
            _("Village"),
            _("Domain"),
            _("Title"),
            _("What happened"),
            _("Why it matters"),
            _("Collected on"),
            _("Storyteller"),
        ]
    )
    for story in stories.order_by("period__starts_on", "pk"):
        teller = story.teller_label if named and story.consent == Consent.NAMED else ""
        writer.writerow(
            [
                _csv_text(v)
                for v in (
                    story.period.label,
                    story.village.name,
                    story.domain.label,
                    story.title,
                    story.what_happened,
                    story.why_significant,
                    story.collected_on.isoformat(),
                    teller,
                )
            ]
        )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cerita-perubahan.csv"'
    response["Cache-Control"] = "no-store"
    return response
