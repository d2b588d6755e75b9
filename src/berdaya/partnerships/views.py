"""The partnership map of a programme and its forms (server-rendered, phone-first).

Views parse, call one service or selector, and render. Who may write is decided by
`selectors.may_write`; a page shows its form only to them and says so to the others.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.core.errors import BerdayaError
from berdaya.facilitation.forms import show_error
from berdaya.programmes.selectors import programme_get

from . import services
from .forms import (
    AgreementForm,
    CommitmentForm,
    ContributionForm,
    DocumentForm,
    LinkForm,
    MetForm,
    StakeholderForm,
    StatusForm,
)
from .pages import check_writes, posted, writable_villages
from .selectors import (
    agreement_get,
    commitment_get,
    links_of,
    may_write,
    partnership_summary,
    programme_books,
    programme_stakeholders,
    stakeholders_of,
)

MANAGERS_ONLY = "managers"  # what the page says to someone who may not write it


@require_GET
def partnership_map(request, programme_id: int):
    programme = programme_get(user=request.user, pk=programme_id)
    today = timezone.localdate()
    return render(
        request,
        "partnerships/partnership_map.html",
        {
            "programme": programme,
            "summary": partnership_summary(request.user, programme_id=programme.pk, today=today),
            "links": links_of(request.user, programme=programme),
            "writes": may_write(request.user, programme),
            "writes_somewhere": writable_villages(request, programme) or None,
        },
    )


def _form_page(request, *, programme, form, title, writes, back, status=200, extra=None):
    return render(
        request,
        "partnerships/form.html",
        {
            "programme": programme,
            "form": form,
            "title": title,
            "writes": writes,
            "back": back,
            "multipart": any(f.widget.needs_multipart_form for f in form.fields.values()),
            **(extra or {}),
        },
        status=status,
    )


def _limit_mb() -> int:
    return settings.BERDAYA_MAX_ATTACHMENT_BYTES // 1_048_576


def _map_url(programme) -> str:
    from django.urls import reverse

    return reverse("partnerships:map", args=[programme.pk])


@require_http_methods(["GET", "POST"])
def stakeholder_new(request, programme_id: int):
    """Register a stakeholder and where it works (facilitators: in one of their villages)."""
    programme = programme_get(user=request.user, pk=programme_id)
    villages = writable_villages(request, programme)
    writes = bool(villages) or may_write(request.user, programme)
    check_writes(request, writes)
    form = StakeholderForm(posted(request), villages=villages)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = services.stakeholder_join(
                user=request.user,
                programme=programme,
                name=data["name"],
                sector=data["sector"],
                role=data["role"],
                village=form.chosen_village(),
                contact_office=data["contact_office"],
                contact_phone=data["contact_phone"],
                notes=data["notes"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("%(name)s was registered.") % {"name": link.stakeholder.name}
            )
            return redirect(_map_url(programme))
    return _form_page(
        request,
        programme=programme,
        form=form,
        title=_("Register a stakeholder"),
        writes=writes,
        back=_map_url(programme),
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def stakeholder_link_new(request, programme_id: int):
    """A stakeholder already registered starts working in this programme or a village."""
    programme = programme_get(user=request.user, pk=programme_id)
    villages = writable_villages(request, programme)
    writes = bool(villages) or may_write(request.user, programme)
    check_writes(request, writes)
    stakeholders = list(programme_stakeholders(request.user, programme=programme))
    form = LinkForm(posted(request), villages=villages, stakeholders=stakeholders)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            link = services.stakeholder_link(
                user=request.user,
                stakeholder=form.stakeholders[data["stakeholder"]],
                programme=programme,
                village=form.chosen_village(),
                contact_office=data["contact_office"],
                contact_phone=data["contact_phone"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now works in this programme.") % {"name": link.stakeholder.name},
            )
            return redirect(_map_url(programme))
    return _form_page(
        request,
        programme=programme,
        form=form,
        title=_("A registered stakeholder joins the programme"),
        writes=writes,
        back=_map_url(programme),
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def agreement_new(request, programme_id: int):
    """An MoU or PKS with its parties, scope, period, status and the signed document."""
    programme = programme_get(user=request.user, pk=programme_id)
    check_writes(request, may_write(request.user, programme))
    stakeholders = list(stakeholders_of(request.user, programme_id=programme.pk))
    form = AgreementForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        stakeholders=stakeholders,
        limit_mb=_limit_mb(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.agreement_create(
                user=request.user,
                programme=programme,
                kind=data["kind"],
                title=data["title"],
                scope=data["scope"],
                parties=form.chosen_parties(),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                status=data["status"],
                document=data["document"] or None,
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The agreement was recorded."))
            return redirect("partnerships:agreement", agreement_id=agreement.pk)
    return _form_page(
        request,
        programme=programme,
        form=form,
        title=_("Record an agreement (MoU or PKS)"),
        writes=may_write(request.user, programme),
        back=_map_url(programme),
        status=422 if request.method == "POST" else 200,
        extra={"who": MANAGERS_ONLY, "no_parties": not stakeholders},
    )


@require_GET
def agreement_detail(request, agreement_id: int):
    agreement = agreement_get(user=request.user, pk=agreement_id)
    today = timezone.localdate()
    return render(
        request,
        "partnerships/agreement_detail.html",
        {
            "agreement": agreement,
            "programme": agreement.programme,
            "commitments": list(agreement.commitments.select_related("party")),
            "contributions": list(agreement.contributions.select_related("stakeholder")),
            "writes": may_write(request.user, agreement.programme),
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_document(request, agreement_id: int):
    """Upload the signed copy (and, often, make the agreement active)."""
    agreement = agreement_get(user=request.user, pk=agreement_id)
    check_writes(request, may_write(request.user, agreement.programme))
    form = DocumentForm(
        posted(request), request.FILES if request.method == "POST" else None, limit_mb=_limit_mb()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_document_attach(
                user=request.user,
                agreement=agreement,
                document=form.cleaned_data["document"],
                status=form.cleaned_data["status"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The signed document was kept."))
            return redirect("partnerships:agreement", agreement_id=agreement.pk)
    return _form_page(
        request,
        programme=agreement.programme,
        form=form,
        title=_("Upload the signed document of %(title)s") % {"title": agreement.title},
        writes=may_write(request.user, agreement.programme),
        back=_agreement_url(agreement),
        status=422 if request.method == "POST" else 200,
        extra={"who": MANAGERS_ONLY},
    )


@require_http_methods(["GET", "POST"])
def agreement_status(request, agreement_id: int):
    """Mark an agreement signed (active) or ended without uploading anything."""
    agreement = agreement_get(user=request.user, pk=agreement_id)
    check_writes(request, may_write(request.user, agreement.programme))
    form = StatusForm(posted(request), initial={"status": agreement.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_status_set(
                user=request.user, agreement=agreement, status=form.cleaned_data["status"]
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The agreement's status was changed."))
            return redirect("partnerships:agreement", agreement_id=agreement.pk)
    return _form_page(
        request,
        programme=agreement.programme,
        form=form,
        title=_("Status of %(title)s") % {"title": agreement.title},
        writes=may_write(request.user, agreement.programme),
        back=_agreement_url(agreement),
        status=422 if request.method == "POST" else 200,
        extra={"who": MANAGERS_ONLY},
    )


@require_GET
def agreement_document_download(request, agreement_id: int):
    agreement = agreement_get(user=request.user, pk=agreement_id)
    if not agreement.document:
        raise Http404
    try:
        handle = agreement.document.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    suffix = agreement.document.name.rsplit(".", 1)[-1]
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(
        suffix, "application/octet-stream"
    )
    response = FileResponse(
        handle, content_type=content_type, filename=f"{agreement.title[:80]}.{suffix}"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _agreement_url(agreement) -> str:
    from django.urls import reverse

    return reverse("partnerships:agreement", args=[agreement.pk])


@require_http_methods(["GET", "POST"])
def commitment_new(request, agreement_id: int):
    agreement = agreement_get(user=request.user, pk=agreement_id)
    check_writes(request, may_write(request.user, agreement.programme))
    form = CommitmentForm(posted(request), stakeholders=list(agreement.parties.all()))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_add(
                user=request.user,
                agreement=agreement,
                party=form.stakeholders[data["party"]],
                description=data["description"],
                due_on=data["due_on"],
                decided_jointly=data["decided_jointly"],
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The commitment was recorded."))
            return redirect("partnerships:agreement", agreement_id=agreement.pk)
    return _form_page(
        request,
        programme=agreement.programme,
        form=form,
        title=_("A party's commitment under %(title)s") % {"title": agreement.title},
        writes=may_write(request.user, agreement.programme),
        back=_agreement_url(agreement),
        status=422 if request.method == "POST" else 200,
        extra={"who": MANAGERS_ONLY},
    )


@require_http_methods(["GET", "POST"])
def commitment_met(request, commitment_id: int):
    commitment = commitment_get(user=request.user, pk=commitment_id)
    agreement = commitment.agreement
    check_writes(request, may_write(request.user, agreement.programme))
    form = MetForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.commitment_mark_met(
                user=request.user,
                commitment=commitment,
                met_on=form.cleaned_data["met_on"],
                jointly=form.cleaned_data["jointly"],
                today=timezone.localdate(),
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The commitment is marked as met."))
            return redirect("partnerships:agreement", agreement_id=agreement.pk)
    return _form_page(
        request,
        programme=agreement.programme,
        form=form,
        title=_("%(party)s met: %(what)s")
        % {"party": commitment.party.name, "what": commitment.description},
        writes=may_write(request.user, agreement.programme),
        back=_agreement_url(agreement),
        status=422 if request.method == "POST" else 200,
        extra={"who": MANAGERS_ONLY},
    )


@require_http_methods(["GET", "POST"])
def contribution_new(request, programme_id: int):
    """Cash (posted to a book of the programme through the ledger), goods or staff time."""
    programme = programme_get(user=request.user, pk=programme_id)
    check_writes(request, may_write(request.user, programme))
    form = ContributionForm(
        posted(request),
        stakeholders=list(stakeholders_of(request.user, programme_id=programme.pk)),
        agreements=list(programme.agreements.all()),
        books=list(programme_books(programme).select_related("village")),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contribution_record(
                user=request.user,
                programme=programme,
                stakeholder=form.stakeholders[data["stakeholder"]],
                kind=data["kind"],
                value=data["value"],
                hours=data["hours"],
                purpose=data["purpose"],
                given_on=data["given_on"],
                agreement=form.agreements.get(data["agreement"] or ""),
                book=form.books.get(data["book"] or ""),
            )
        except BerdayaError as error:
            show_error(form, error)
        else:
            messages.success(request, _("The contribution was recorded."))
            return redirect(_map_url(programme))
    return _form_page(
        request,
        programme=programme,
        form=form,
        title=_("Record a contribution"),
        writes=may_write(request.user, programme),
        back=_map_url(programme),
        status=422 if request.method == "POST" else 200,
        extra={"who": MANAGERS_ONLY},
    )
