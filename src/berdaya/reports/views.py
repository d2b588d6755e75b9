from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from berdaya.core.errors import ValidationFailed
from berdaya.core.workspace import workspace_for
from berdaya.programmes.selectors import programme_get

from . import documents, selectors, services
from .forms import ProgressReportForm, SocialMapForm
from .models import GeneratedReport


@require_GET
@login_required
def village_social_map(request, village_code: str):
    """The village social map as an A4 PDF in Indonesian, de-identified (aggregates only),
    made at once; the programme's reports page makes and keeps it as a job too."""
    workspace = workspace_for(request)
    social = selectors.village_social_map(
        user=request.user,
        village_code=village_code,
        organisation_id=workspace.programme.organisation_id if workspace.programme else None,
    )
    document = documents.social_map_document(social)
    response = HttpResponse(document.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.filename}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def programme_reports(request, programme_id: int):
    """A programme's reports with their status and downloads; asking for a new one."""
    programme = programme_get(user=request.user, pk=programme_id)
    villages = selectors.report_villages(user=request.user, programme=programme)
    today = timezone.localdate()
    progress_form = ProgressReportForm(
        initial={"start": today.replace(month=1, day=1), "end": today}, prefix="progress"
    )
    map_form = SocialMapForm(villages=villages, prefix="map")
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        form = (
            ProgressReportForm(request.POST, prefix="progress")
            if kind == GeneratedReport.Kind.PROGRESS
            else SocialMapForm(request.POST, villages=villages, prefix="map")
        )
        if form.is_valid():
            try:
                services.report_request(
                    user=request.user,
                    programme=programme,
                    kind=kind,
                    start=form.cleaned_data.get("start"),
                    end=form.cleaned_data.get("end"),
                    village_code=form.cleaned_data.get("village", ""),
                )
            except ValidationFailed as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("The report is being made; it appears below when it is ready.")
                )
                return redirect("reports:programme", programme_id=programme.pk)
        else:
            messages.error(request, _("Check the dates and the village of the report."))
        if kind == GeneratedReport.Kind.PROGRESS:
            progress_form = form
        else:
            map_form = form
    reports = list(selectors.reports_of(user=request.user, programme=programme)[:50])
    context = {
        "programme": programme,
        "reports": reports,
        "busy": any(r.status in ("pending", "running") for r in reports),
        "progress_form": progress_form,
        "map_form": map_form,
        "villages": villages,
    }
    if request.htmx and request.GET.get("part") == "list":
        return render(request, "reports/_report_rows.html", context)
    return render(request, "reports/programme_reports.html", context)


def _download(request, report_id: int, file_format: str):
    report = selectors.report_get(user=request.user, pk=report_id)
    handle, filename = services.report_download(
        user=request.user, report=report, file_format=file_format
    )
    content_type = (
        "application/pdf"
        if file_format == services.PDF
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return FileResponse(
        handle, content_type=content_type, filename=filename, as_attachment=file_format != "pdf"
    )


@require_GET
def report_pdf(request, report_id: int):
    return _download(request, report_id, services.PDF)


@require_GET
def report_xlsx(request, report_id: int):
    return _download(request, report_id, services.XLSX)


@require_GET
def household_card(request, household_id: int):
    """The family's own card (members, poverty status, schemes), NIK/KK masked; logged."""
    household = selectors.household_for_card(user=request.user, pk=household_id)
    pdf = services.household_card_print(
        user=request.user, household=household, today=timezone.localdate()
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kartu-rumah-tangga-{household.pk}.pdf"'
    return response
