"""Pages of imports: the list, a new upload, a job's progress and report, matching columns,
and the downloads to collect with (Berdaya's XLSForm and the plain template).

Thin views: the service (`services.imports`) decides who may import where and checks
the file; jobs are read through the access rule (`core.access`), so a job of another
village answers 404.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.areas.models import Village
from berdaya.core.access import get_visible_or_404, visible_to
from berdaya.core.errors import BerdayaError, PermissionDenied, ValidationFailed
from berdaya.core.jobs import workers_alive, workers_needed
from berdaya.organisations.models import Organisation
from berdaya.programmes.models import SurveyRound
from berdaya.programmes.selectors import programme_get

from . import import_report, xlsform
from .duplicates import duplicate_signals_for
from .importers import template_csv, template_xlsx
from .models import Household, ImportJob
from .services import imports as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Multipart overhead on top of the file itself, before a request counts as too large.
FORM_OVERHEAD = 64 * 1024


def import_jobs_visible_to(user):
    return visible_to(user, ImportJob.objects.select_related("village", "created_by"))


def import_job_get(*, user, pk: int) -> ImportJob:
    return get_visible_or_404(
        user, ImportJob.objects.select_related("village", "organisation", "created_by"), pk=pk
    )


class ImportForm(forms.Form):
    source = forms.ChoiceField(
        label=gettext_lazy("What kind of file"),
        choices=ImportJob.Source.choices,
        widget=forms.RadioSelect,
    )
    # Any value is accepted here and checked by the service, so that a refusal says why.
    target = forms.CharField(label=gettext_lazy("Village"), widget=forms.Select)
    file = forms.FileField(label=gettext_lazy("File"))
    include_rejected = forms.BooleanField(
        label=gettext_lazy("Also import submissions a reviewer refused"),
        help_text=gettext_lazy(
            "KoboToolbox “Not Approved” and ODK Central “rejected” submissions are left out "
            "unless this is ticked; the report says how many."
        ),
        required=False,
    )
    # The round the imported surveys belong to: chosen here, never guessed from dates.
    survey_round = forms.TypedChoiceField(
        label=gettext_lazy("Survey round"),
        help_text=gettext_lazy("The programme's survey round these surveys belong to."),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        several = len({o.pk for o, _v in targets}) > 1
        rounds = SurveyRound.objects.filter(
            programme__organisation_id__in={o.pk for o, _v in targets}
        ).select_related("programme")
        self.fields["survey_round"].choices = [("", _("Not part of a survey round"))] + [
            (r.pk, f"{r.name} · {r.programme.name}") for r in rounds.order_by("-starts_on", "pk")
        ]
        self.fields["target"].widget.choices = [
            (
                f"{organisation.pk}:{village.code}",
                f"{village.name} ({village.code})" + (f" · {organisation}" if several else ""),
            )
            for organisation, village in targets
        ]

    def clean_target(self):
        value = self.cleaned_data["target"]
        organisation_id, _sep, code = value.partition(":")
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        village = Village.objects.filter(code=code).first()
        if not organisation_id.isdigit() or organisation is None or village is None:
            raise forms.ValidationError(_("Choose a village."))
        return organisation, village


def _no_worker() -> bool:
    """No background worker is running: queued imports would wait (the page says so)."""
    return workers_needed() and not workers_alive()


@require_GET
def import_list(request):
    page = Paginator(import_jobs_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/imports/list.html",
        {
            "page": page,
            "can_import": bool(services.import_targets(request.user)),
            "no_worker": _no_worker(),
            "duplicates": duplicate_signals_for(request.user)[:50],
        },
    )


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.BERDAYA_MAX_UPLOAD_BYTES + FORM_OVERHEAD


@require_http_methods(["GET", "POST"])
def import_new(request):
    targets = services.import_targets(request.user)
    if not targets:
        raise PermissionDenied(_("Only the organisation's facilitators and managers can import."))
    if request.method == "POST" and _too_large(request):
        # Refused from the request's size alone, before the upload is read.
        limit = settings.BERDAYA_MAX_UPLOAD_BYTES / 1_048_576
        return render(
            request,
            "registry/imports/new.html",
            {
                "form": ImportForm(targets=targets),
                "error": _("The file is larger than %(limit)s MB.") % {"limit": f"{limit:.0f}"},
            },
            status=413,
        )
    form = ImportForm(request.POST or None, request.FILES or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        organisation, village = form.cleaned_data["target"]
        chosen = form.cleaned_data.get("survey_round")
        survey_round = (
            SurveyRound.objects.filter(pk=chosen, programme__organisation=organisation).first()
            if chosen
            else None
        )
        try:
            if chosen and survey_round is None:
                raise ValidationFailed(
                    _("Choose a survey round of this organisation."), field="survey_round"
                )
            job = services.import_job_create(
                user=request.user,
                organisation=organisation,
                village=village,
                source=form.cleaned_data["source"],
                uploaded_file=form.cleaned_data["file"],
                include_rejected=form.cleaned_data["include_rejected"],
                survey_round=survey_round,
            )
        except BerdayaError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("registry:import-detail", import_id=job.pk)
    status = 422 if form.errors else 200
    return render(request, "registry/imports/new.html", {"form": form}, status=status)


IMPORTED_SHOWN = 10


def _context(job: ImportJob, user) -> dict:
    done = job.status == ImportJob.Status.DONE
    imported = (
        visible_to(user, Household.objects.filter(submissions__import_job=job))
        .prefetch_related("members")
        .order_by("pk")[:IMPORTED_SHOWN]
        if done
        else []
    )
    waiting = job.status in {ImportJob.Status.WAITING, ImportJob.Status.RUNNING}
    return {
        "job": job,
        "waiting": waiting,
        "no_worker": waiting and _no_worker(),
        "error_cards": import_report.cards(job.errors, filename=job.filename),
        "warning_cards": import_report.cards(job.warnings, filename=job.filename),
        "imported": list(imported),
    }


@require_GET
def import_detail(request, import_id: int):
    job = import_job_get(user=request.user, pk=import_id)
    return render(request, "registry/imports/detail.html", _context(job, request.user))


@require_GET
def import_status(request, import_id: int):
    """The job's progress and report, which the job page polls while it runs."""
    job = import_job_get(user=request.user, pk=import_id)
    return render(request, "registry/imports/_status.html", _context(job, request.user))


@require_http_methods(["GET", "POST"])
def import_columns(request, import_id: int):
    job = import_job_get(user=request.user, pk=import_id)
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        return redirect("registry:import-detail", import_id=job.pk)
    fields = services.import_job_fields(job)
    error, error_field = "", ""
    if request.method == "POST":
        chosen = {field.key: request.POST.get(f"column-{field.key}", "") for field in fields}
        try:
            services.import_job_map_columns(user=request.user, job=job, column_map=chosen)
        except BerdayaError as refusal:
            error, error_field = refusal.message, refusal.field or ""
            for field in fields:
                field.suggested = chosen.get(field.key, "")
        else:
            return redirect("registry:import-detail", import_id=job.pk)
    rows = [
        {"field": field, "missing": not field.suggested, "error": field.key == error_field}
        for field in fields
    ]
    return render(
        request,
        "registry/imports/columns.html",
        {
            "job": job,
            "unmatched": [row for row in rows if row["missing"]],
            "matched": [row for row in rows if not row["missing"]],
            "error": error,
        },
        status=422 if error else 200,
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def import_xlsform(request):
    """Berdaya's questionnaire as an XLSForm; `?programme=<id>` adds its villages and questions."""
    programme_id = request.GET.get("programme", "")
    if programme_id:
        programme = programme_get(user=request.user, pk=programme_id)
        form = xlsform.form_for_programme(programme)
        filename = f"berdaya-pemetaan-program-{programme.pk}.xlsx"
    else:
        form = xlsform.form_build()
        filename = "berdaya-pemetaan.xlsx"
    return _download(xlsform.xlsform_build(form), filename, XLSX)


@require_GET
def import_template_csv(request):
    return _download(template_csv(xlsform.form_build()), "berdaya-templat.csv", "text/csv")


@require_GET
def import_template_xlsx(request):
    return _download(template_xlsx(xlsform.form_build()), "berdaya-templat.xlsx", XLSX)
