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
from berdaya.core.access import visible_to
from berdaya.core.errors import BerdayaError, PermissionDenied, ValidationFailed
from berdaya.core.jobs import workers_alive, workers_needed
from berdaya.organisations.models import Organisation
from berdaya.programmes.models import SurveyRound
from berdaya.programmes.selectors import programme_get

from . import import_report, xlsform
from .duplicates import duplicate_signals_for
from .importers import template_csv, template_xlsx
from .models import Household, ImportJob
from .selectors import import_job_get, import_jobs_visible_to
from .services import import_matching as matching
from .services import imports as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Multipart overhead on top of the file itself, before a request counts as too large.
FORM_OVERHEAD = 64 * 1024
# The import form's target for a programme's villages, before the programme's id.
PROGRAMME = "programme:"


class ImportForm(forms.Form):
    source = forms.ChoiceField(
        label=gettext_lazy("What kind of file"),
        choices=ImportJob.Source.choices,
        widget=forms.RadioSelect,
    )
    # Any value is accepted here and checked by the service, so that a refusal says why.
    target = forms.CharField(label=gettext_lazy("Village"), widget=forms.Select)
    file = forms.FileField(label=gettext_lazy("File"))
    form_file = forms.FileField(
        label=gettext_lazy("The form the data was collected with (optional)"),
        help_text=gettext_lazy(
            "For a form Berdaya did not write: its XLSForm (.xlsx), so that the column "
            "matching proposes columns and recodings from its labels and choice lists."
        ),
        required=False,
    )
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

    def __init__(self, *args, targets, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = {programme.pk: programme for programme, _mine in programmes}
        several = len({o.pk for o, _v in targets}) > 1
        rounds = SurveyRound.objects.filter(
            programme__organisation_id__in={o.pk for o, _v in targets}
        ).select_related("programme")
        self.fields["survey_round"].choices = [("", _("Not part of a survey round"))] + [
            (r.pk, f"{r.name} · {r.programme.name}") for r in rounds.order_by("-starts_on", "pk")
        ]
        villages = [
            (
                f"{organisation.pk}:{village.code}",
                f"{village.name} ({village.code})" + (f" · {organisation}" if several else ""),
            )
            for organisation, village in targets
        ]
        # A programme's export covering its villages: each household into its own village.
        whole = [
            (
                f"{PROGRAMME}{programme.pk}",
                _("%(programme)s: each household's village from the file (%(villages)s)")
                % {
                    "programme": programme.name,
                    "villages": ", ".join(village.name for village in mine),
                },
            )
            for programme, mine in programmes
        ]
        self.fields["target"].widget.choices = (
            [(_("One village"), villages), (_("Several villages of a programme"), whole)]
            if whole
            else villages
        )

    def clean_target(self):
        """(organisation, village, None), or (organisation, None, programme)."""
        value = self.cleaned_data["target"]
        if value.startswith(PROGRAMME):
            number = value.removeprefix(PROGRAMME)
            # Only a programme offered (one of the user's): another's is not even named.
            programme = self.programmes.get(int(number)) if number.isdigit() else None
            if programme is None:
                raise forms.ValidationError(_("Choose a village."))
            return programme.organisation, None, programme
        organisation_id, _sep, code = value.partition(":")
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        village = Village.objects.filter(code=code).first()
        if not organisation_id.isdigit() or organisation is None or village is None:
            raise forms.ValidationError(_("Choose a village."))
        return organisation, village, None


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
    programmes = services.import_programmes(request.user)
    if request.method == "POST" and _too_large(request):
        # Refused from the request's size alone, before the upload is read.
        limit = settings.BERDAYA_MAX_UPLOAD_BYTES / 1_048_576
        return render(
            request,
            "registry/imports/new.html",
            {
                "form": ImportForm(targets=targets, programmes=programmes),
                "error": _("The file is larger than %(limit)s MB.") % {"limit": f"{limit:.0f}"},
            },
            status=413,
        )
    form = ImportForm(
        request.POST or None, request.FILES or None, targets=targets, programmes=programmes
    )
    if request.method == "POST" and form.is_valid():
        organisation, village, programme = form.cleaned_data["target"]
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
                programme=programme,
                source=form.cleaned_data["source"],
                uploaded_file=form.cleaned_data["file"],
                include_rejected=form.cleaned_data["include_rejected"],
                form_file=form.cleaned_data.get("form_file"),
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
        "by_village": _by_village(job) if done else [],
    }


def _by_village(job: ImportJob) -> list[dict]:
    """What a done job wrote in each village, by village name."""
    counts = job.village_counts or {}
    names = dict(Village.objects.filter(code__in=counts).values_list("code", "name"))
    return sorted(
        ({"code": code, "name": names.get(code, code), **found} for code, found in counts.items()),
        key=lambda row: (row["name"], row["code"]),
    )


@require_GET
def import_detail(request, import_id: int):
    job = import_job_get(user=request.user, pk=import_id)
    return render(request, "registry/imports/detail.html", _context(job, request.user))


@require_GET
def import_status(request, import_id: int):
    """The job's progress and report, which the job page polls while it runs."""
    job = import_job_get(user=request.user, pk=import_id)
    return render(request, "registry/imports/_status.html", _context(job, request.user))


def _posted_recoding(request, fields) -> tuple[dict, dict]:
    """The recodings chosen on the page, and the column whose answers each field showed."""
    recoding, shown = {}, {}
    for field in fields:
        if not field.options:
            continue
        shown[field.key] = request.POST.get(f"shown-{field.key}", "")
        chosen = {}
        for index in range(int(request.POST.get(f"recode-count-{field.key}") or 0)):
            answer = request.POST.get(f"recode-answer-{field.key}-{index}", "")
            code = request.POST.get(f"recode-{field.key}-{index}", "")
            if answer and code:
                chosen[answer] = code
        if chosen:
            recoding[field.key] = chosen
    return recoding, shown


def _changed_columns(fields, shown) -> bool:
    """A list field's column was changed on the page and its answers need recoding: they
    are shown first, so that the import does not fail on them."""
    return any(
        field.recode and field.key in shown and shown[field.key] != field.recode_column
        for field in fields
    )


@require_http_methods(["GET", "POST"])
def import_columns(request, import_id: int):
    job = import_job_get(user=request.user, pk=import_id)
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        return redirect("registry:import-detail", import_id=job.pk)
    sheets = matching.import_job_sheets(job)
    error, error_field, notice = "", "", ""
    if request.method == "POST" and "members_sheet" in request.POST:
        try:
            matching.import_job_choose_members(
                user=request.user, job=job, sheet=request.POST.get("members_sheet", "")
            )
        except BerdayaError as refusal:
            error, error_field = refusal.message, "members_sheet"
        else:
            return redirect("registry:import-detail", import_id=job.pk)
    matching_posted = request.method == "POST" and not error
    # Posted columns are read again below with their answers; here only which fields.
    fields = matching.import_job_fields(job, answers=not matching_posted)
    if matching_posted:
        chosen = {field.key: request.POST.get(f"column-{field.key}", "") for field in fields}
        recoding, shown = _posted_recoding(request, fields)
        fields = matching.import_job_fields(job, chosen=chosen, recoding=recoding)
        if _changed_columns(fields, shown):
            notice = _(
                "You chose other columns for some answers: check how their answers are "
                "recoded below, then start the import."
            )
        else:
            try:
                matching.import_job_map_columns(
                    user=request.user, job=job, column_map=chosen, recoding=recoding
                )
            except BerdayaError as refusal:
                error, error_field = refusal.message, refusal.field or ""
            else:
                return redirect("registry:import-detail", import_id=job.pk)
    people_known = "member" in (job.file_columns or {})
    rows = [
        {"field": field, "missing": not field.suggested, "error": field.key == error_field}
        for field in fields
        if people_known  # else the people's sheet is chosen first
    ]
    return render(
        request,
        "registry/imports/columns.html",
        {
            "job": job,
            "sheets": sheets,
            "people_known": people_known,
            "unmatched": [row for row in rows if row["missing"]],
            "matched": [row for row in rows if not row["missing"]],
            "recodings": [field for field in fields if field.recode or field.too_many_answers],
            "error": error,
            "notice": notice,
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
        form = xlsform.form_for_download(programme, user=request.user)
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
