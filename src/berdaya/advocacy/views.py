"""Advocacy cases of a programme: the list, one case, and the forms that write them.

Who may write is `partnerships.selectors.may_write` (managers, and facilitators for their
villages); the named list of a coverage-gap case is `services.affected_households_reveal`
(logged), for those who may see the village's personal data, else counts only.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.core.errors import BerdayaError
from berdaya.facilitation.forms import show_error
from berdaya.partnerships.pages import check_writes, posted, writable_villages
from berdaya.partnerships.selectors import may_write, stakeholders_visible_to
from berdaya.programmes.selectors import programme_get

from . import services
from .forms import ActionForm, CloseForm, GapCaseForm, OtherCaseForm
from .selectors import (
    affected_count,
    case_coverage,
    case_get,
    cases_of,
    gap_table,
    may_see_names,
)


@require_GET
def programme_cases(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    cases = [
        (case, case_coverage(case)) for case in cases_of(request.user, programme_id=programme.pk)
    ]
    return render(
        request,
        "advocacy/programme_cases.html",
        {
            "programme": programme,
            "cases": cases,
            "writes": bool(writable_villages(request, programme)),
        },
    )


def _form_page(request, *, programme, form, title, writes, back, status, extra=None):
    return render(
        request,
        "advocacy/form.html",
        {
            "programme": programme,
            "form": form,
            "title": title,
            "writes": writes,
            "back": back,
            **(extra or {}),
        },
        status=status,
    )


def _status(request) -> int:
    return 422 if request.method == "POST" else 200


def _stakeholders(request, programme):
    return list(stakeholders_visible_to(request.user, organisation_id=programme.organisation_id))


@require_http_methods(["GET", "POST"])
def case_new_from_gap(request, programme_id: int):
    """Open a case from a coverage gap: the page shows each scheme's gap per village."""
    programme = programme_get(user=request.user, pk=programme_id)
    villages = writable_villages(request, programme)
    check_writes(request, bool(villages))
    table = gap_table(request.user, programme=programme)
    schemes = sorted({(code, name) for _v, row in table for code, name, _gap in row})
    form = GapCaseForm(
        posted(request),
        villages=villages,
        stakeholders=_stakeholders(request, programme),
        schemes=schemes,
        initial={"opened_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open_from_gap(
                user=request.user,
                programme=programme,
                village_code=data["village"],
                scheme=data["scheme"],
                title=data["title"],
                demand=data["demand"],
                opened_on=data["opened_on"],
                target=form.chosen_target(),
                target_name=data["target_name"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("The case was opened for %(count)s households.")
                % {"count": case.people_affected},
            )
            return redirect("advocacy:case", case_id=case.pk)
    return _form_page(
        request,
        programme=programme,
        form=form,
        title=_("Open a case from a coverage gap"),
        writes=bool(villages),
        back=reverse("advocacy:programme", args=[programme.pk]),
        status=_status(request),
        extra={"gaps": table},
    )


@require_http_methods(["GET", "POST"])
def case_new(request, programme_id: int):
    """Open a case from a service failure or a rights violation (households counted)."""
    programme = programme_get(user=request.user, pk=programme_id)
    villages = writable_villages(request, programme)
    check_writes(request, bool(villages))
    form = OtherCaseForm(
        posted(request),
        villages=villages,
        stakeholders=_stakeholders(request, programme),
        initial={"opened_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                user=request.user,
                programme=programme,
                village_code=data["village"],
                kind=data["kind"],
                title=data["title"],
                demand=data["demand"],
                people_affected=data["people_affected"],
                opened_on=data["opened_on"],
                target=form.chosen_target(),
                target_name=data["target_name"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The case was opened."))
            return redirect("advocacy:case", case_id=case.pk)
    return _form_page(
        request,
        programme=programme,
        form=form,
        title=_("Open a case from a service failure or rights violation"),
        writes=bool(villages),
        back=reverse("advocacy:programme", args=[programme.pk]),
        status=_status(request),
    )


@require_GET
def case_detail(request, case_id: int):
    case = case_get(user=request.user, pk=case_id)
    return render(
        request,
        "advocacy/case_detail.html",
        {
            "case": case,
            "programme": case.programme,
            "coverage": case_coverage(case),
            "writes": may_write(request.user, case.programme, village_code=case.village_id),
            "names": may_see_names(request.user, case),
        },
    )


def _case_url(case) -> str:
    return reverse("advocacy:case", args=[case.pk])


@require_http_methods(["GET", "POST"])
def action_new(request, case_id: int):
    """A hearing, dialogue, campaign, letter or complaint, and who took part."""
    case = case_get(user=request.user, pk=case_id)
    writes = may_write(request.user, case.programme, village_code=case.village_id)
    check_writes(request, writes)
    form = ActionForm(posted(request), initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_record(
                user=request.user,
                case=case,
                kind=data["kind"],
                held_on=data["held_on"],
                poor_participants=data["poor_participants"],
                other_participants=data["other_participants"] or 0,
                note=data["note"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The action was recorded."))
            return redirect(_case_url(case))
    return _form_page(
        request,
        programme=case.programme,
        form=form,
        title=_("Record an action of %(title)s") % {"title": case.title},
        writes=writes,
        back=_case_url(case),
        status=_status(request),
    )


@require_http_methods(["GET", "POST"])
def case_close(request, case_id: int):
    """The outcome; a coverage-gap case is measured again from the registry."""
    case = case_get(user=request.user, pk=case_id)
    writes = may_write(request.user, case.programme, village_code=case.village_id)
    check_writes(request, writes)
    form = CloseForm(posted(request), initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_close(
                user=request.user,
                case=case,
                outcome=data["outcome"],
                on=data["on"],
                note=data["note"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The outcome was recorded."))
            return redirect(_case_url(case))
    return _form_page(
        request,
        programme=case.programme,
        form=form,
        title=_("Close %(title)s with its outcome") % {"title": case.title},
        writes=writes and case.outcome == "open",
        back=_case_url(case),
        status=_status(request),
        extra={"closed": case.outcome != "open"},
    )


@require_GET
def case_households(request, case_id: int):
    """The households of a coverage-gap case: named (by consent, logged) or counted."""
    case = case_get(user=request.user, pk=case_id)
    listing = None
    if may_see_names(request.user, case):
        listing = services.affected_households_reveal(user=request.user, case=case)
    return render(
        request,
        "advocacy/case_households.html",
        {
            "case": case,
            "programme": case.programme,
            "listing": listing,
            "gap": listing.gap
            if listing
            else affected_count(case)
            if case.kind == case.Kind.COVERAGE_GAP
            else None,
        },
    )
