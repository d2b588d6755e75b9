"""Writes of the reports app: requesting a report, the job that makes it, downloads, cards."""

from __future__ import annotations

import datetime
import logging

from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.access import village_codes_for
from berdaya.core.db import read_snapshot
from berdaya.core.errors import BerdayaError, PermissionDenied, ValidationFailed
from berdaya.core.masking import mask_identifiers
from berdaya.core.models import PersonalDataAccess

from . import documents, selectors
from .models import GeneratedReport

logger = logging.getLogger(__name__)

# A progress report covers at most this long a period (a programme runs for years; a
# longer span is a request for the whole programme, which this still allows).
MAX_PERIOD_DAYS = 366 * 10


@transaction.atomic
def report_request(
    *,
    user,
    programme,
    kind: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    village_code: str = "",
) -> GeneratedReport:
    """Queue a report of `programme` (already visible to `user`); a job makes it."""
    from .tasks import report_task

    villages = selectors.report_villages(user=user, programme=programme)
    params: dict = {}
    if kind == GeneratedReport.Kind.PROGRESS:
        if start is None or end is None:
            raise ValidationFailed(_("Give the first and the last day of the period."))
        if end < start:
            raise ValidationFailed(
                _("The period ends before it starts: check the two dates."), field="end"
            )
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationFailed(_("A period of at most ten years, please."), field="end")
        params = {"start": start.isoformat(), "end": end.isoformat()}
        covered, village = villages, None
    elif kind == GeneratedReport.Kind.SOCIAL_MAP:
        covered = [v for v in villages if v.code == village_code]
        if not covered:
            raise ValidationFailed(_("Choose one of the programme's villages."), field="village")
        village = covered[0]
    else:
        raise ValidationFailed(_("Choose which report to make."), field="kind")
    if not covered:
        raise ValidationFailed(_("You work in none of this programme's villages."))
    report = GeneratedReport.objects.create(
        organisation_id=programme.organisation_id,
        programme=programme,
        village=village,
        kind=kind,
        params=params,
        requested_by=user,
    )
    report.covers.set(covered)
    transaction.on_commit(lambda: report_task.enqueue(report.pk))
    return report


def _progress(report: GeneratedReport, percent: int) -> None:
    GeneratedReport.objects.filter(pk=report.pk).update(progress=percent)


def _document(report: GeneratedReport) -> documents.Document:
    user = report.requested_by
    if user is None or not user.is_active:
        raise BerdayaError(_("The person who asked for this report can no longer sign in."))
    codes = frozenset(report.covers.values_list("code", flat=True))
    if not codes <= village_codes_for(user, organisation_id=report.organisation_id):
        raise BerdayaError(
            _("The person who asked for this report no longer works in all its villages.")
        )
    if report.kind == GeneratedReport.Kind.SOCIAL_MAP:
        social = selectors.village_social_map(
            user=user, village_code=report.village_id, organisation_id=report.organisation_id
        )
        return documents.social_map_document(social)
    start = datetime.date.fromisoformat(report.params["start"])
    end = datetime.date.fromisoformat(report.params["end"])
    data = selectors.progress_report(
        user=user, programme=report.programme, start=start, end=end, codes=codes
    )
    return documents.progress_document(data)


def report_generate(*, report_id: int) -> GeneratedReport | None:
    """The job: read the figures in one read-only snapshot, render, store, say how it ended.

    A failure is recorded on the report with a readable message (masked: no identifier
    ever lands in it) and the job ends; the list page shows it."""
    report = (
        GeneratedReport.objects.select_related("programme", "requested_by")
        .filter(pk=report_id, status=GeneratedReport.Status.PENDING)
        .first()
    )
    if report is None:
        return None  # already made, or gone
    GeneratedReport.objects.filter(pk=report.pk).update(
        status=GeneratedReport.Status.RUNNING, progress=5
    )
    try:
        with read_snapshot():
            document = _document(report)
        _progress(report, 80)
        report.pdf.save(f"{document.filename}.pdf", ContentFile(document.pdf), save=False)
        report.xlsx.save(f"{document.filename}.xlsx", ContentFile(document.xlsx), save=False)
        report.status, report.progress, report.error = GeneratedReport.Status.DONE, 100, ""
    except BerdayaError as error:
        report.status, report.error = (
            GeneratedReport.Status.FAILED,
            mask_identifiers(str(error.message))[:500],
        )
    except Exception as error:
        logger.exception("report %s failed", report.pk)
        report.status = GeneratedReport.Status.FAILED
        report.error = mask_identifiers(
            _("The report could not be made (%(reason)s). Try again, or tell an administrator.")
            % {"reason": type(error).__name__}
        )[:500]
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "progress", "error", "pdf", "xlsx", "finished_at"])
    return report


def report_recover(task_result, *, requeue: bool) -> bool:
    """The worker making a report died (core.jobs.jobs_recover): nothing was stored, so the
    report waits for one more run, and the second time it fails with a reason. Returns
    whether the task goes back to the queue."""
    args = (task_result.args_kwargs or {}).get("args") or []
    report = GeneratedReport.objects.filter(
        pk=args[0] if args else None, status=GeneratedReport.Status.RUNNING
    ).first()
    if report is None:
        return requeue
    if requeue:
        GeneratedReport.objects.filter(pk=report.pk).update(
            status=GeneratedReport.Status.PENDING, progress=0
        )
        return True
    GeneratedReport.objects.filter(pk=report.pk).update(
        status=GeneratedReport.Status.FAILED,
        finished_at=timezone.now(),
        error=_(
            "The worker making this report stopped twice (it was restarted, or the report "
            "needed too much memory). Ask for it again, or for a shorter period."
        ),
    )
    return False


PDF, XLSX = "pdf", "xlsx"


def report_download(*, user, report: GeneratedReport, file_format: str):
    """The stored file of a report `user` may see (selectors.report_get), opened for
    reading; each download is written to the audit trail (who opened which report)."""
    if file_format not in (PDF, XLSX):
        raise ValidationFailed(_("Choose PDF or XLSX."), field="format")
    if report.status != GeneratedReport.Status.DONE:
        raise ValidationFailed(_("This report is not ready yet."))
    stored = report.pdf if file_format == PDF else report.xlsx
    handle = stored.open("rb")
    LogEntry.objects.log_create(
        report,
        action=LogEntry.Action.ACCESS,
        actor=user,
        changes={"format": [None, file_format]},
        force_log=True,
    )
    return handle, stored.name.rsplit("/", 1)[-1]


def household_card_print(*, user, household, today: datetime.date) -> bytes:
    """The household card as PDF, for a household whose personal data `user` may see
    (selectors.household_for_card) and that agreed to mapping; logged as a reveal of
    personal data (registry.services.privacy's account of processing)."""
    if household.status != household.Status.ACTIVE:
        raise ValidationFailed(_("This household is no longer active: there is no card to print."))
    if selectors.card_consent(household) is None:
        raise PermissionDenied(
            _(
                "This household has not agreed to its data being used (or withdrew its "
                "consent): record its consent before printing a card."
            )
        )
    card = selectors.household_card(household, today=today)
    pdf = documents.household_card_pdf(card)  # rendered before the write: no lock held meanwhile
    PersonalDataAccess.objects.create(
        user=user,
        organisation_id=household.organisation_id,
        action=PersonalDataAccess.Action.REVEAL,
        object_type=household._meta.model_name,
        object_id=str(household.pk),
        field="household_card",
        purpose=_("Household card printed for the family"),
        row_count=len(card.record.present),
    )
    return pdf
