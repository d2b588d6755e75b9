"""Imports: an uploaded export becomes households in one village, all or nothing.

`import_job_create` checks the upload (who, where, size, kind) and keeps it
encrypted under MEDIA_ROOT/imports until the job ends; a background task runs
`import_job_run`: read the file, check every row against the registry's rules,
and either write everything in one transaction or write nothing and keep a
report of every problem (sheet, row, column, masked value, reason). Submissions
imported before (same submission id in the organisation) are skipped, so the
same file can be uploaded twice without harm.

NIK and KK never reach a log or an exception message: problems show them
masked, and an unexpected failure is logged by its type and code lines only.
"""

from __future__ import annotations

import datetime
import gc
import logging
import re
import secrets
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from auditlog.models import LogEntry
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.areas.models import District, Village
from berdaya.core import crypto
from berdaya.core.access import village_codes_for
from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.core.jobs import JobLimitExceeded, JobLimits
from berdaya.core.masking import mask_identifiers
from berdaya.core.validators import IntegerOutOfRange, check_integer
from berdaya.organisations.models import Organisation

from ..duplicates import duplicate_signals_record, may_see
from ..importers import bulk, importer_for
from ..importers.base import REQUIRED_KEYS, ImportedHousehold
from ..importers.tables import ZIP_MAGIC
from ..models import (
    CustomQuestion,
    DuplicateNikSignal,
    HouseholdSurvey,
    ImportJob,
    Person,
    SocialProtectionScheme,
    Submission,
)
from ..records import Problem
from ..selectors import programme_questions
from ..validation import validate_households
from ..xlsform import Form, form_build

logger = logging.getLogger(__name__)

STORAGE_DIR = "imports"
MAX_PROBLEMS_KEPT = 1000
QUERY_CHUNK = 5000
# Parsing is the first 40 % of the bar, checking the next 20 %, writing the rest.
PARSED, CHECKED = 40, 60

# source -> (file endings, whether the file must be a zip: XLSX and zip both are)
ACCEPTED = {
    ImportJob.Source.KOBO: ((".xlsx",), True),
    ImportJob.Source.ODK: ((".zip",), True),
    ImportJob.Source.TEMPLATE: ((".csv", ".xlsx"), None),
}


# --- the upload, encrypted at rest -------------------------------------------------


def _fernet() -> MultiFernet:
    # The same keys as NIK/KK in the database (first encrypts, all decrypt: rotation).
    return MultiFernet([Fernet(key) for key in settings.BERDAYA_FIELD_KEYS])


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return _fernet().decrypt(token)


def _storage_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _store(data: bytes) -> str:
    """Write the encrypted upload under a random name; return its path under MEDIA_ROOT."""
    relative = f"{STORAGE_DIR}/{secrets.token_hex(16)}.bin"
    path = _storage_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encrypt_bytes(data))
    return relative


def _read_stored(job: ImportJob) -> bytes:
    return decrypt_bytes((_storage_root() / job.stored_file).read_bytes())


def _delete_stored(job: ImportJob) -> None:
    if job.stored_file:
        (_storage_root() / job.stored_file).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(stored_file="")
        job.stored_file = ""


# --- who may import where ------------------------------------------------------------


def can_import(user, *, organisation_id: int, village_code: str) -> bool:
    """Admins, managers and facilitators, into villages where they see personal data."""
    return village_code in village_codes_for(user, personal=True, organisation_id=organisation_id)


def import_targets(user) -> list[tuple[Organisation, Village]]:
    """The (organisation, village) pairs `user` may import into, by village name."""
    from berdaya.core.access import grants_for

    pairs = {
        (grant.organisation_id, code)
        for grant in grants_for(user)
        if grant.personal
        for code in grant.village_codes
    }
    organisations = Organisation.objects.in_bulk({o for o, _code in pairs})
    villages = Village.objects.select_related("district").in_bulk({c for _o, c in pairs})
    return sorted(
        ((organisations[o], villages[c]) for o, c in pairs if o in organisations and c in villages),
        key=lambda pair: (pair[1].name, pair[1].code, pair[0].name),
    )


def _check_upload(source: str, uploaded_file) -> None:
    """Size and kind, from the size and the first bytes only."""
    name = mask_identifiers(uploaded_file.name or "")
    limit = settings.BERDAYA_MAX_UPLOAD_BYTES
    if uploaded_file.size > limit:
        raise ValidationFailed(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": f"{uploaded_file.size / 1_048_576:.1f}",
                "limit": f"{limit / 1_048_576:.0f}",
            },
            field="file",
        )
    if uploaded_file.size == 0:
        raise ValidationFailed(_("The file is empty."), field="file")
    endings, zipped = ACCEPTED[source]
    uploaded_file.seek(0)
    head = uploaded_file.read(4)
    uploaded_file.seek(0)
    lower = name.lower()
    fits = lower.endswith(endings)
    if fits and (zipped or lower.endswith(".xlsx")):  # XLSX is a zip too
        fits = head == ZIP_MAGIC
    if not fits:
        messages = {
            ImportJob.Source.KOBO: _(
                "A KoboToolbox export is an .xlsx file; “%(file)s” is not one."
            ),
            ImportJob.Source.ODK: _(
                "An ODK Central export is a .zip of CSV files; “%(file)s” is not one."
            ),
            ImportJob.Source.TEMPLATE: _(
                "Berdaya's template is a .csv or .xlsx file; “%(file)s” is neither."
            ),
        }
        raise ValidationFailed(messages[source] % {"file": name}, field="file")


def _enqueue(job: ImportJob) -> None:
    from ..tasks import import_job_task

    job_id = job.pk
    transaction.on_commit(lambda: import_job_task.enqueue(job_id))


@transaction.atomic
def import_job_create(
    *,
    user,
    organisation: Organisation,
    village: Village,
    source: str,
    uploaded_file,
    column_map: Mapping[str, str] | None = None,
    queue: bool = True,
) -> ImportJob:
    """Accept an upload for `village` and queue it; the file is kept encrypted until it ends.
    With `queue=False` nothing runs it: the caller does (the `berdaya import` command)."""
    if source not in ACCEPTED:
        raise ValidationFailed(
            _("Unknown kind of file “%(source)s”.") % {"source": source}, field="source"
        )
    if not can_import(user, organisation_id=organisation.pk, village_code=village.code):
        raise PermissionDenied(
            _("You cannot import into %(village)s: it is not one of your villages.")
            % {"village": f"{village.name} ({village.code})"}
        )
    _check_upload(source, uploaded_file)
    stored = _store(b"".join(uploaded_file.chunks()))
    try:
        job = ImportJob.objects.create(
            organisation=organisation,
            village=village,
            source=source,
            # A file name can carry a NIK ("data_3403060201990001.xlsx"): masked.
            filename=mask_identifiers(uploaded_file.name or "")[-255:],
            stored_file=stored,
            column_map=dict(column_map or {}),
            created_by=user,
        )
    except Exception:
        (_storage_root() / stored).unlink(missing_ok=True)
        raise
    if queue:
        _enqueue(job)
    return job


# --- matching columns ------------------------------------------------------------------


@dataclass
class ColumnChoice:
    """One Berdaya field on the column-matching page."""

    key: str
    label: str
    table: str  # the sheet/CSV it is read from
    columns: list[str]
    suggested: str
    required: bool


def import_job_fields(job: ImportJob) -> list[ColumnChoice]:
    """The fields to match for a job that waits for its columns, with suggestions."""
    from django.utils.translation import get_language

    from ..importers.base import match_column
    from ..xlsform import MEMBER

    importer = importer_for(job.source)
    tables = job.file_columns or {}
    english = (get_language() or "id").startswith("en")
    required = {*REQUIRED_KEYS, "household_id"}
    found = []
    for question in importer.fields(_form_for(job)):
        table = tables.get("member" if question.level == MEMBER else "household", {})
        columns = list(table.get("columns", []))
        found.append(
            ColumnChoice(
                key=question.key,
                label=question.label[1 if english else 0],
                table=table.get("sheet", ""),
                columns=columns,
                suggested=job.column_map.get(question.key) or match_column(columns, question),
                required=question.key in required,
            )
        )
    return found


@transaction.atomic
def import_job_map_columns(*, user, job: ImportJob, column_map: Mapping[str, str]) -> ImportJob:
    """Save which column holds which field, and queue the import again."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not can_import(user, organisation_id=job.organisation_id, village_code=job.village_id):
        raise PermissionDenied(_("Only the organisation's facilitators and managers can import."))
    if job.status != ImportJob.Status.NEEDS_MAPPING:
        raise ValidationFailed(_("This import is not waiting for its columns to be matched."))
    chosen = {}
    for field in import_job_fields(job):
        column = (column_map.get(field.key) or "").strip()
        if column and column not in field.columns:
            raise ValidationFailed(
                _("“%(column)s” is not a column of %(table)s.")
                % {"column": column, "table": field.table},
                field=field.key,
            )
        if field.required and not column:
            raise ValidationFailed(
                _("Choose the column for “%(field)s”.") % {"field": field.label}, field=field.key
            )
        chosen[field.key] = column
    job.column_map = chosen
    job.status = ImportJob.Status.WAITING
    job.progress = 0
    job.save(update_fields=["column_map", "status", "progress"])
    _enqueue(job)
    return job


# --- running ----------------------------------------------------------------------------


def _set_progress(job: ImportJob, percent: int) -> None:
    """Show how far the job is, and stop it if it is past its time or memory limit."""
    limits = getattr(job, "limits", None)
    if limits is not None:
        limits.check()
    percent = max(0, min(100, int(percent)))
    if percent != job.progress:
        job.progress = percent
        ImportJob.objects.filter(pk=job.pk).update(progress=percent)


def _ordered(problems: Iterable[Problem]) -> list[Problem]:
    problems = list(problems)
    sheets: dict[str, int] = {}
    for problem in problems:
        sheets.setdefault(problem.sheet, len(sheets))
    return sorted(problems, key=lambda p: (sheets[p.sheet], p.row))


def _kept(problems: Sequence[Problem]) -> list[dict]:
    kept = [p.as_dict() for p in _ordered(problems)[:MAX_PROBLEMS_KEPT]]
    if len(problems) > MAX_PROBLEMS_KEPT:
        more = len(problems) - MAX_PROBLEMS_KEPT
        kept.append(
            Problem(
                0,
                "",
                "",
                "",
                _("%(count)s more are not shown: correct these first, then upload again.")
                % {"count": f"{more:,}"},
            ).as_dict()
        )
    return kept


def _finish(
    job: ImportJob,
    status: str,
    *,
    errors: Sequence[Problem] = (),
    warnings: Sequence[Problem] = (),
) -> ImportJob:
    job.status = status
    job.errors = _kept(errors)
    job.warnings = _kept(warnings)
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "errors",
            "warnings",
            "progress",
            "finished_at",
            "total_rows",
            "households_created",
            "persons_created",
            "duplicates_skipped",
            "file_columns",
        ]
    )
    return job


def _form_for(job: ImportJob) -> Form:
    """Berdaya's form with the own questions of the organisation's programmes in the village."""
    questions = programme_questions(
        organisation_id=job.organisation_id, village_code=job.village_id
    )
    return form_build(organisation_id=job.organisation_id, custom_questions=questions)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _already_imported(organisation_id: int, uuids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(uuids, QUERY_CHUNK):
        found |= set(
            Submission.objects.filter(organisation_id=organisation_id, uuid__in=chunk).values_list(
                "uuid", flat=True
            )
        )
    return found


def _registered_niks(organisation_id: int, records: Sequence[ImportedHousehold]) -> dict:
    """Keyed hashes of the file's NIKs already in the organisation's registry -> household."""
    registered = Person.objects.filter(organisation_id=organisation_id).exclude(nik_hash="")
    niks = [m.nik for r in records for m in r.members if m.nik]
    if registered.count() <= len(niks):
        # Fewer people registered than in the file: fetching theirs beats hashing the file's.
        return dict(registered.values_list("nik_hash", "household_id"))
    hashes = [crypto.blind_index(nik) for nik in niks]
    found: dict[str, int] = {}
    for chunk in _chunks(hashes, QUERY_CHUNK):
        found.update(
            Person.objects.filter(organisation_id=organisation_id, nik_hash__in=chunk).values_list(
                "nik_hash", "household_id"
            )
        )
    return found


def _schemes(organisation_id: int) -> dict[str, int]:
    """Scheme code -> pk: the organisation's own, and the national ones (which win, as in
    `household_enrol`)."""
    schemes = list(
        SocialProtectionScheme.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
        )
    )
    found = {s.code: s.pk for s in schemes if s.organisation_id is not None}
    found.update({s.code: s.pk for s in schemes if s.organisation_id is None})
    return found


def _select(job, records, column_names) -> tuple[list[ImportedHousehold], list[Problem], int]:
    """Drop households imported before (counted) and those that refused consent (warned)."""
    seen = _already_imported(job.organisation_id, [r.uuid for r in records if r.uuid])
    kept, warnings, skipped = [], [], 0
    consent_column = column_names.get("consent", "")
    for record in records:
        if record.uuid and record.uuid in seen:
            skipped += 1
        elif record.consent is False:
            warnings.append(
                Problem(
                    record.where.row,
                    record.where.sheet,
                    consent_column,
                    "no",
                    _("The household did not agree to be recorded, so it is not imported."),
                )
            )
        else:
            if record.consent is None and consent_column:
                warnings.append(
                    Problem(
                        record.where.row,
                        record.where.sheet,
                        consent_column,
                        "",
                        _("No answer to the consent question: no consent is recorded."),
                    )
                )
            kept.append(record)
    return kept, warnings, skipped


def _check_answers(records, *, schemes, form: Form, column_names) -> list[Problem]:
    """What the shared validation does not know: schemes and the programme's own questions."""
    problems = []
    allowed_schemes = ", ".join(sorted(schemes))
    extra_lists = {
        q.key.removeprefix("extra."): {c.name for c in form.lists.get(q.list_name, [])}
        for q in form.questions()
        if q.key.startswith("extra.") and q.list_name and q.list_name != "ya_tidak"
    }
    for record in records:
        where = record.where
        for code in record.schemes:
            if code not in schemes:
                problems.append(
                    Problem(
                        where.row,
                        where.sheet,
                        column_names.get("schemes", "schemes"),
                        code,
                        _("Not one of the allowed answers (%(allowed)s).")
                        % {"allowed": allowed_schemes},
                    )
                )
        for name, value in list(record.extra.items()):
            if name in extra_lists:
                for code in value if isinstance(value, list) else [value]:
                    if code not in extra_lists[name]:
                        problems.append(
                            Problem(
                                where.row,
                                where.sheet,
                                column_names.get(f"extra.{name}", name),
                                str(code)[:80],
                                _("Not one of the allowed answers (%(allowed)s).")
                                % {"allowed": ", ".join(sorted(extra_lists[name]))},
                            )
                        )
            if isinstance(value, int) and not isinstance(value, bool):
                try:
                    check_integer(value)
                except IntegerOutOfRange as error:
                    problems.append(
                        Problem(
                            where.row,
                            where.sheet,
                            column_names.get(f"extra.{name}", name),
                            str(value)[:80],
                            error.message,
                        )
                    )
            if isinstance(value, datetime.date):
                record.extra[name] = value.isoformat()
    return problems


def import_job_run(job_id: int) -> ImportJob:
    """Run one queued import to its end (or to the column-matching page). Idempotent."""
    # Claim the job atomically: a second worker (or a second enqueue) finds it taken.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.WAITING).update(
        status=ImportJob.Status.RUNNING,
        progress=2,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    job = ImportJob.objects.select_related("village", "organisation").get(pk=job_id)
    if not claimed:
        return job
    job.limits = JobLimits()
    # Hundreds of thousands of records live for the whole run: keep the cyclic garbage
    # collector from walking them again and again (it would, once per few thousand objects).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _run(job)
    except JobLimitExceeded as exc:
        logger.warning("Import %s stopped: %s", job.pk, type(exc).__name__)
        job.households_created = job.persons_created = 0
        _finish(job, ImportJob.Status.FAILED, errors=[Problem(0, "", "", "", exc.message)])
    except Exception as exc:
        # Type and code lines only: an exception's message may quote a cell.
        logger.error(
            "Import %s stopped by an unexpected %s:\n%s",
            job.pk,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        job.households_created = job.persons_created = 0
        _finish(
            job,
            ImportJob.Status.FAILED,
            errors=[
                Problem(
                    0,
                    "",
                    "",
                    "",
                    _(
                        "The import stopped because of a fault in Berdaya; nothing was "
                        "written. Tell your administrator (import %(job)s)."
                    )
                    % {"job": job.pk},
                )
            ],
        )
    finally:
        if collecting:
            gc.enable()
        if job.status in {ImportJob.Status.DONE, ImportJob.Status.FAILED}:
            _delete_stored(job)
    return job


def _run(job: ImportJob) -> None:
    try:
        data = _read_stored(job)
    except (FileNotFoundError, InvalidToken):
        _finish(
            job,
            ImportJob.Status.FAILED,
            errors=[
                Problem(0, "", "", "", _("The uploaded file is gone; upload it again, please."))
            ],
        )
        return
    form = _form_for(job)
    started = time.perf_counter()

    def progress(fraction: float) -> None:
        _set_progress(job, 2 + (PARSED - 2) * fraction)

    result = importer_for(job.source).parse(
        data,
        filename=job.filename,
        form=form,
        column_map=job.column_map or None,
        village_code=job.village_id,
        progress=progress,
    )
    del data
    logger.info(
        "Import %s: read %s rows (%s households) in %.1f s",
        job.pk,
        result.rows,
        len(result.records),
        time.perf_counter() - started,
    )
    if result.mapping_needed:
        job.status = ImportJob.Status.NEEDS_MAPPING
        job.progress = 0
        job.file_columns = {
            role: {"sheet": table.name, "columns": table.columns}
            for role, table in result.tables.items()
        }
        job.save(update_fields=["status", "progress", "file_columns"])
        return
    job.total_rows = result.rows
    if not result.errors and not result.records:
        table = result.tables.get("household")
        result.errors = [
            Problem(
                1,
                table.name if table else job.filename,
                "",
                "",
                _("There are no households in this file: nothing is under the header row."),
            )
        ]
    if result.errors and not result.records:  # the file's shape is wrong: nothing to check
        _finish(job, ImportJob.Status.FAILED, errors=result.errors, warnings=result.warnings)
        return
    _set_progress(job, PARSED)
    started = time.perf_counter()

    records, warnings, skipped = _select(job, result.records, result.column_names)
    job.duplicates_skipped = skipped
    schemes = _schemes(job.organisation_id)
    report = validate_households(
        records,
        village_code=job.village_id,
        district_codes=set(District.objects.values_list("code", flat=True)),
        existing_nik_hashes=_registered_niks(job.organisation_id, records),
        may_see=may_see(job.created_by),
        column_names=result.column_names,
        today=timezone.localdate(),
    )
    if report.duplicates:
        duplicate_signals_record(
            organisation_id=job.organisation_id,
            attempts=report.duplicates,
            village_code=job.village_id,
            user=job.created_by,
            source=DuplicateNikSignal.Source.IMPORT,
            import_job_id=job.pk,
        )
    # Every problem at once: unreadable cells, then broken rules.
    errors = (
        result.errors
        + report.errors
        + _check_answers(records, schemes=schemes, form=form, column_names=result.column_names)
    )
    warnings = result.warnings + warnings + report.warnings
    logger.info(
        "Import %s: checked %s households (%s errors, %s warnings, %s skipped) in %.1f s",
        job.pk,
        len(records),
        len(errors),
        len(warnings),
        skipped,
        time.perf_counter() - started,
    )
    if errors:
        _finish(job, ImportJob.Status.FAILED, errors=errors, warnings=warnings)
        return
    _set_progress(job, CHECKED)
    started = time.perf_counter()
    try:
        _write(job, records, schemes=schemes, warnings=warnings)
        logger.info(
            "Import %s: wrote %s households and %s persons in %.1f s",
            job.pk,
            job.households_created,
            job.persons_created,
            time.perf_counter() - started,
        )
    except IntegrityError:
        # Another import of the same people committed between our checks and our write.
        job.households_created = job.persons_created = 0
        _finish(
            job,
            ImportJob.Status.FAILED,
            errors=[
                Problem(
                    0,
                    "",
                    "",
                    "",
                    _(
                        "Another import wrote some of these households at the same time; "
                        "nothing was written. Upload the file again: what is already in "
                        "the registry will be skipped."
                    ),
                )
            ],
            warnings=warnings,
        )


def _write(job: ImportJob, records: Sequence[ImportedHousehold], *, schemes, warnings) -> None:
    """Everything in one transaction (see importers.bulk); then one audit-trail summary."""
    context = bulk.Context(
        organisation_id=job.organisation_id,
        user_id=job.created_by_id,
        job_id=job.pk,
        source=job.source,
        today=timezone.localdate(),
        now=timezone.now(),
        schemes=schemes,
    )
    limits = getattr(job, "limits", None)
    with bulk.large_cache(), transaction.atomic():
        counts = bulk.write(records, context=context, check=limits.check if limits else None)
        job.households_created = counts["households"]
        job.persons_created = counts["persons"]
        _audit(job, counts)
        _finish(job, ImportJob.Status.DONE, warnings=warnings)


def _audit(job: ImportJob, counts: Mapping[str, int]) -> None:
    """django-auditlog does not see bulk writes: one summary entry says what the import did."""
    shown = ("households", "persons", "surveys", "enrolments", "consents")
    counts = {name: counts[name] for name in shown}
    changes = {name: ["0", str(count)] for name, count in counts.items()}
    changes["village"] = ["", job.village_id]
    changes["skipped_as_already_imported"] = ["0", str(job.duplicates_skipped)]
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(ImportJob),
        object_pk=str(job.pk),
        object_id=job.pk,
        object_repr=f"{job.filename} → {job.village_id}"[:200],
        action=LogEntry.Action.CREATE,
        changes=changes,
        changes_text=(
            f"Import {job.pk} ({job.source}) into {job.village_id}: "
            + ", ".join(f"{count} {name}" for name, count in counts.items())
            + f"; {job.duplicates_skipped} skipped as already imported."
        ),
        actor_id=job.created_by_id,
        additional_data={"organisation": job.organisation_id, "import": job.pk},
    )


def import_job_recover(task_result, *, requeue: bool) -> bool:
    """The worker running an import died (core.jobs.jobs_recover). Its write was one
    transaction, so nothing of it is in the registry: run it again once, then fail it
    with a reason. Returns whether the task goes back to the queue."""
    args = (task_result.args_kwargs or {}).get("args") or []
    job = ImportJob.objects.filter(pk=args[0] if args else None).first()
    if job is None or job.status != ImportJob.Status.RUNNING:
        return requeue
    if requeue and job.attempts < 2 and job.stored_file:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.WAITING, progress=0)
        return True
    job.households_created = job.persons_created = 0
    _finish(
        job,
        ImportJob.Status.FAILED,
        errors=[
            Problem(
                0,
                "",
                "",
                "",
                _(
                    "The worker running this import stopped twice (it was restarted, or the "
                    "file needed too much memory); nothing was written. Upload a smaller "
                    "file, or tell your administrator (import %(job)s)."
                )
                % {"job": job.pk},
            )
        ],
    )
    _delete_stored(job)
    return False


def import_jobs_expire(*, older_than: datetime.timedelta = datetime.timedelta(days=7)) -> int:
    """Close imports left unfinished (waiting for columns or a worker, or stopped with a
    worker that died) and delete their encrypted files."""
    cutoff = timezone.now() - older_than
    stale = ImportJob.objects.filter(
        status__in=[
            ImportJob.Status.WAITING,
            ImportJob.Status.NEEDS_MAPPING,
            ImportJob.Status.RUNNING,
        ],
        created_at__lt=cutoff,
    )
    closed = 0
    for job in stale:
        _finish(
            job,
            ImportJob.Status.FAILED,
            errors=[
                Problem(0, "", "", "", _("Left unfinished for too long; upload the file again."))
            ],
        )
        _delete_stored(job)
        closed += 1
    return closed


# --- a programme's own questions ------------------------------------------------------

_QUESTION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")


@transaction.atomic
def custom_question_add(
    *,
    programme,
    name: str,
    kind: str,
    label_id: str,
    label_en: str = "",
    choices: Sequence[Mapping[str, str]] = (),
    required: bool = False,
    position: int = 0,
) -> CustomQuestion:
    """Add a question of the programme's own to its XLSForm (group `tambahan`)."""
    from ..xlsform import GROUPS

    taken = {q.name for g in GROUPS for q in g.questions} | {g.name for g in GROUPS}
    if not _QUESTION_NAME.match(name or "") or name in taken:
        raise ValidationFailed(
            _(
                "A question's name has small letters, digits and underscores, starts with a "
                "letter, and is not one of Berdaya's own."
            ),
            field="name",
        )
    if kind not in CustomQuestion.Kind.values:
        raise ValidationFailed(_("Choose what kind of answer the question takes."), field="kind")
    if not label_id.strip():
        raise ValidationFailed(_("Write the question in Indonesian."), field="label_id")
    selects = {CustomQuestion.Kind.SELECT_ONE, CustomQuestion.Kind.SELECT_MULTIPLE}
    cleaned = [
        {
            "code": str(c.get("code", "")).strip(),
            "label_id": str(c.get("label_id", "")).strip(),
            "label_en": str(c.get("label_en", "")).strip(),
        }
        for c in choices
    ]
    codes = [c["code"] for c in cleaned]
    if kind in selects and (
        not cleaned
        or not all(
            _CODE.match(code) and c["label_id"] for code, c in zip(codes, cleaned, strict=True)
        )
        or len(set(codes)) != len(codes)
    ):
        raise ValidationFailed(
            _("List the answers to choose from: each with its own code (no spaces) and a label."),
            field="choices",
        )
    if programme.custom_questions.filter(name=name).exists():
        raise ValidationFailed(
            _("The programme already has a question with this name."), field="name"
        )
    return CustomQuestion.objects.create(
        programme=programme,
        name=name,
        kind=kind,
        label_id=label_id.strip(),
        label_en=label_en.strip(),
        choices=cleaned if kind in selects else [],
        required=required,
        position=position,
    )


@transaction.atomic
def custom_question_remove(*, question: CustomQuestion) -> None:
    """Take a question out of the programme's form, unless answers to it are already kept.

    Answers live in `HouseholdSurvey.extra` under the question's name; removing the
    question would leave them without a label, so a question with answers stays.
    """
    answered = HouseholdSurvey.objects.filter(
        household__organisation_id=question.programme.organisation_id,
        extra__has_key=question.name,
    ).exists()
    if answered:
        raise ValidationFailed(
            _("Households have already answered this question, so it stays in the form."),
            field="question",
        )
    question.delete()
