"""Writes of the intake app: connections (managers), pulls (on demand or on a schedule).

A pull fetches every submission of the server (nothing is written while fetching: a
refusal, a timeout or a fault half-way leaves the registry as it was), puts aside those
imported before (`registry.Submission`, by the id the registry keeps), reports those
edited on the server after their import (KoboToolbox: a new `_uuid`, its old one in
`meta/deprecatedID`; ODK Central: a new `updatedAt`) without applying the edit, and hands
the new ones to one registry import (`registry.services.imports`): the same checks, the
same review rules, all or nothing.
"""

from __future__ import annotations

import datetime
import logging
import secrets as random
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import BerdayaError, PermissionDenied, ValidationFailed
from berdaya.core.masking import mask_identifiers
from berdaya.programmes.models import Programme
from berdaya.programmes.selectors import may_manage
from berdaya.registry.importers.kobo import LAYOUT as KOBO_LAYOUT
from berdaya.registry.importers.linked import review_key
from berdaya.registry.importers.odk import LAYOUT as ODK_LAYOUT
from berdaya.registry.models import ImportJob, Submission
from berdaya.registry.services.imports import (
    STORAGE_DIR,
    can_import,
    encrypt_bytes,
    import_job_recover,
    import_job_run,
)

from . import batches, clients
from .models import Pull, RemoteSubmission, ServerConnection

logger = logging.getLogger(__name__)

MAX_ERROR = 500
CHUNK = 5000


# --- connections ------------------------------------------------------------------------


def _check_manager(user, programme: Programme) -> None:
    if not may_manage(user, programme):
        raise PermissionDenied(_("Only the programme's managers connect it to a server."))


@transaction.atomic
def connection_save(
    *,
    user,
    programme: Programme,
    connection: ServerConnection | None = None,
    name: str,
    kind: str,
    village_code: str,
    server_url: str,
    asset_uid: str = "",
    project_id: int | None = None,
    form_id: str = "",
    username: str = "",
    secret: str = "",
    include_rejected: bool = False,
    every_hours: int = 0,
) -> ServerConnection:
    """Create or change a connection. An empty `secret` keeps the saved one."""
    _check_manager(user, programme)
    if kind not in ServerConnection.Kind.values:
        raise ValidationFailed(_("Choose KoboToolbox or ODK Central."), field="kind")
    village = programme.villages.filter(code=village_code).first()
    if village is None:
        raise ValidationFailed(_("Choose one of the programme's villages."), field="village")
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the connection a name."), field="name")
    base = clients.server_base(server_url)
    if every_hours not in ServerConnection.Every.values:
        raise ValidationFailed(_("Choose how often to pull."), field="every_hours")
    asset_uid, form_id, username = asset_uid.strip(), form_id.strip(), username.strip()
    if kind == ServerConnection.Kind.KOBO:
        if not asset_uid or not asset_uid.isalnum():
            raise ValidationFailed(
                _("Write the project's asset uid: letters and digits, as in …/#/forms/<uid>/."),
                field="asset_uid",
            )
        project_id, form_id, username = None, "", ""
    else:
        if not project_id:
            raise ValidationFailed(_("Write the ODK Central project's number."), field="project_id")
        if not form_id or "/" in form_id:
            raise ValidationFailed(_("Write the form's id (its XLSForm form_id)."), field="form_id")
        if "@" not in username:
            raise ValidationFailed(
                _("Write the email address of the ODK Central web user."), field="username"
            )
        asset_uid = ""
    secret = secret.strip()
    changed_server = connection is not None and (
        connection.kind != kind or connection.server_url != base
    )
    if not secret and (connection is None or not connection.secret or changed_server):
        raise ValidationFailed(
            _("Type the API token (KoboToolbox) or the password (ODK Central)."), field="secret"
        )
    if connection is None:
        connection = ServerConnection(
            organisation_id=programme.organisation_id, programme=programme
        )
    connection.name = name[:100]
    connection.kind = kind
    connection.village = village
    connection.server_url = base
    connection.asset_uid = asset_uid
    connection.project_id = project_id
    connection.form_id = form_id
    connection.username = username
    if secret:
        connection.secret = secret
    connection.include_rejected = include_rejected
    connection.every_hours = every_hours
    connection.updated_by = user
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError:
        raise ValidationFailed(
            _("The programme already has a connection with this name."), field="name"
        ) from None
    return connection


@transaction.atomic
def connection_delete(*, user, connection: ServerConnection) -> None:
    """Forget a connection (its token or password with it); imports it made stay."""
    _check_manager(user, connection.programme)
    connection.delete()


# --- pulls ------------------------------------------------------------------------------


def _enqueue(pull: Pull) -> None:
    from .tasks import pull_task

    pull_id = pull.pk
    transaction.on_commit(lambda: pull_task.enqueue(pull_id))


def pull_request(
    *, user, connection: ServerConnection, trigger: str = Pull.Trigger.BUTTON, queue: bool = True
) -> Pull:
    """Ask for a pull (the worker runs it). One pull of a connection at a time."""
    if user is None or not can_import(
        user, organisation_id=connection.organisation_id, village_code=connection.village_id
    ):
        raise PermissionDenied(
            _("Only the facilitators and managers of %(village)s pull its submissions.")
            % {"village": connection.village.name}
        )
    try:
        with transaction.atomic():
            pull = Pull.objects.create(
                connection=connection,
                organisation_id=connection.organisation_id,
                village_id=connection.village_id,
                trigger=trigger,
                requested_by=user,
            )
            if queue:
                _enqueue(pull)
    except IntegrityError:
        raise ValidationFailed(
            _("A pull of this connection is already under way; wait for it to finish.")
        ) from None
    return pull


def pulls_due(*, now: datetime.datetime | None = None) -> list[ServerConnection]:
    """Connections on a schedule whose last pull is at least their interval old."""
    now = now or timezone.now()
    due = []
    for connection in ServerConnection.objects.exclude(every_hours=0).select_related("village"):
        last = connection.pulls.order_by("-created_at").values_list("created_at", flat=True).first()
        if last is None or last <= now - datetime.timedelta(hours=connection.every_hours):
            due.append(connection)
    return due


def pulls_schedule(*, now: datetime.datetime | None = None, queue: bool = True) -> list[Pull]:
    """Start the pulls that are due (`berdaya pull-submissions`, run by cron): each under
    the name of the manager who saved its connection last."""
    started = []
    for connection in pulls_due(now=now):
        try:
            started.append(
                pull_request(
                    user=connection.updated_by,
                    connection=connection,
                    trigger=Pull.Trigger.SCHEDULE,
                    queue=queue,
                )
            )
        except BerdayaError as error:
            logger.warning("Scheduled pull of connection %s not started: %s", connection.pk, error)
    return started


@dataclass
class Remote:
    """One submission as the server knows it."""

    remote_id: str  # KoboToolbox `_id`, ODK Central `__id`: the same through edits
    uuid: str  # the id the registry keeps
    version: str  # changes with each edit
    replaces: str = ""  # KoboToolbox `meta/deprecatedID`: the version an edit replaced
    attachments: int = 0
    review: str = ""  # the review status as the server writes it


def _bare(value) -> str:
    return str(value or "").strip().removeprefix("uuid:")


def _kobo_remote(record: dict) -> Remote:
    version = _bare(record.get("_uuid") or record.get("meta/instanceID"))
    return Remote(
        remote_id=str(record.get("_id") or version),
        uuid=_bare(record.get("meta/rootUuid")),
        version=version,
        replaces=_bare(record.get("meta/deprecatedID")),
        attachments=len(record.get("_attachments") or []),
        review=_kobo_review(record.get("_validation_status")),
    )


def _kobo_review(status) -> str:
    if isinstance(status, dict):
        return str(status.get("label") or status.get("uid") or "")
    return str(status or "")


def _odk_remote(record: dict) -> Remote:
    system = record.get("__system") or {}
    count = system.get("attachmentsPresent") or 0
    return Remote(
        remote_id=str(record.get("__id") or ""),
        uuid=_bare(record.get("__id")),
        version=str(system.get("updatedAt") or ""),
        attachments=count if isinstance(count, int) else 0,
        review=str(system.get("reviewState") or ""),
    )


def _in_chunks(values: list[str]):
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _imported(organisation_id: int, uuids: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _in_chunks(uuids):
        found |= set(
            Submission.objects.filter(organisation_id=organisation_id, uuid__in=chunk).values_list(
                "uuid", flat=True
            )
        )
    return found


@dataclass
class Sorted:
    new: list[Remote]
    already: int
    edits: list[dict]
    refused: dict[str, int]


def _refused(connection: ServerConnection, remote: Remote) -> bool:
    if connection.include_rejected or not remote.review:
        return False
    layout = KOBO_LAYOUT if connection.kind == ServerConnection.Kind.KOBO else ODK_LAYOUT
    return review_key(remote.review) in layout.refused


def _sort(connection: ServerConnection, remotes: list[Remote]) -> Sorted:
    """New submissions, those imported before, those edited after their import, and those
    a reviewer refused (left out, as an uploaded export's are)."""
    remembered = {r.remote_id: r for r in RemoteSubmission.objects.filter(connection=connection)}
    by_version = {r.version: r.uuid for r in remembered.values() if r.version}
    for remote in remotes:
        known = remembered.get(remote.remote_id)
        if known is not None:
            remote.uuid = known.uuid
        elif not remote.uuid and remote.replaces:
            # An edit of a submission without KoboToolbox's rootUuid: the id of the one it replaced.
            remote.uuid = by_version.get(remote.replaces, remote.replaces)
        remote.uuid = remote.uuid or remote.version or remote.remote_id
    imported = _imported(connection.organisation_id, sorted({r.uuid for r in remotes}))
    new, edits, already, seen, refused = [], [], 0, set(), {}
    for remote in remotes:
        if remote.uuid in seen:
            continue
        seen.add(remote.uuid)
        if remote.uuid not in imported:
            if _refused(connection, remote):
                refused[remote.review] = refused.get(remote.review, 0) + 1
            else:
                new.append(remote)
            continue
        known = remembered.get(remote.remote_id)
        edited = (known is not None and known.version != remote.version) or (
            known is None and bool(remote.replaces)
        )
        if edited:
            edits.append({"id": remote.uuid, "version": remote.version})
        else:
            already += 1
    return Sorted(new, already, edits, refused)


def _remember(connection: ServerConnection, remotes: list[Remote]) -> None:
    now = timezone.now()
    rows = [
        RemoteSubmission(
            connection=connection,
            remote_id=r.remote_id[:100],
            uuid=r.uuid[:100],
            version=r.version[:100],
            seen_at=now,
        )
        for r in remotes
        if r.remote_id
    ]
    RemoteSubmission.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["connection", "remote_id"],
        update_fields=["uuid", "version", "seen_at"],
    )


def _fetch(connection: ServerConnection, progress: Callable[[float], None], sleep=None):
    if connection.kind == ServerConnection.Kind.KOBO:
        fetched = clients.kobo_fetch(
            server_url=connection.server_url,
            token=connection.secret,
            asset_uid=connection.asset_uid,
            progress=progress,
            sleep=sleep,
        )
        remotes = [_kobo_remote(r) for r in fetched.submissions]
        return fetched, remotes
    fetched = clients.odk_fetch(
        server_url=connection.server_url,
        email=connection.username,
        password=connection.secret,
        project_id=connection.project_id,
        form_id=connection.form_id,
        progress=progress,
        sleep=sleep,
    )
    return fetched, [_odk_remote(r) for r in fetched.submissions]


def _batch(connection: ServerConnection, fetched, remotes: list[Remote]) -> batches.Batch:
    ids = [r.uuid for r in remotes]
    if connection.kind == ServerConnection.Kind.KOBO:
        return batches.kobo_batch(
            fetched.submissions,
            sheet=connection.name[:31],
            ids=ids,
            columns=batches.kobo_columns(fetched.survey),
        )
    return batches.odk_batch(
        fetched.submissions, fetched.repeats, form_id=connection.form_id, ids=ids
    )


def _store(data: bytes) -> str:
    """Kept encrypted like an upload (it holds NIKs), deleted when the import ends."""
    relative = f"{STORAGE_DIR}/{random.token_hex(16)}.bin"
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encrypt_bytes(data))
    return relative


def _last_column_map(connection: ServerConnection) -> dict:
    """The column matching a person chose for an earlier pull of this connection."""
    job = (
        ImportJob.objects.filter(pull__connection=connection)
        .exclude(column_map={})
        .order_by("-pk")
        .first()
    )
    return dict(job.column_map) if job else {}


def _fail(pull: Pull, message: str) -> Pull:
    pull.status = Pull.Status.FAILED
    pull.error = mask_identifiers(str(message))[:MAX_ERROR]
    pull.progress = 100
    pull.finished_at = timezone.now()
    pull.save(update_fields=["status", "error", "progress", "finished_at"])
    return pull


def pull_run(pull_id: int, *, sleep=None) -> Pull:
    """Run one requested pull: fetch, sort, hand the new submissions to one import and run
    it. Idempotent: a pull already taken by another worker is left alone."""
    claimed = Pull.objects.filter(pk=pull_id, status=Pull.Status.WAITING).update(
        status=Pull.Status.RUNNING,
        progress=1,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    pull = Pull.objects.select_related("connection__village", "requested_by").get(pk=pull_id)
    if not claimed:
        return pull
    connection = pull.connection
    user = pull.requested_by or connection.updated_by
    if user is None or not can_import(
        user, organisation_id=connection.organisation_id, village_code=connection.village_id
    ):
        return _fail(
            pull,
            _(
                "The person this pull runs for no longer works in %(village)s; a manager "
                "saves the connection again, then it can pull."
            )
            % {"village": connection.village.name},
        )

    def progress(fraction: float) -> None:
        percent = 1 + int(98 * max(0.0, min(1.0, fraction)))
        if percent != pull.progress:
            pull.progress = percent
            Pull.objects.filter(pk=pull.pk).update(progress=percent)

    try:
        fetched, remotes = _fetch(connection, progress, sleep=sleep)
        handed = _hand_over(pull, connection, user, fetched, remotes)
    except clients.ServerProblem as problem:
        logger.warning("Pull %s failed: %s", pull.pk, type(problem).__name__)
        return _fail(pull, problem.message)
    except Exception as error:
        # Type and code lines only: a message may quote a submission.
        logger.error(
            "Pull %s stopped by an unexpected %s:\n%s",
            pull.pk,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        return _fail(
            pull,
            _(
                "The pull stopped because of a fault in Berdaya; nothing was imported. Tell "
                "your administrator (pull %(pull)s)."
            )
            % {"pull": pull.pk},
        )
    if handed is not None:
        import_job_run(handed.pk)
        pull.refresh_from_db()
    return pull


@transaction.atomic
def _hand_over(pull: Pull, connection, user, fetched, remotes: list[Remote]) -> ImportJob | None:
    """Record what the server sent and make the import of the new submissions (not yet run)."""
    sorted_ = _sort(connection, remotes)
    pull.fetched = len(remotes)
    pull.already = sorted_.already
    pull.edited = len(sorted_.edits)
    pull.edits = sorted_.edits[:1000]
    pull.new = len(sorted_.new)
    pull.refused = sorted_.refused
    pull.attachments = sum(r.attachments for r in sorted_.new)
    pull.progress = 100
    _remember(connection, remotes)
    job = None
    if sorted_.new:
        keep = {r.uuid for r in sorted_.new}
        batch = _batch(connection, fetched, remotes)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H.%M")
        job = ImportJob.objects.create(
            organisation_id=connection.organisation_id,
            village_id=connection.village_id,
            source=batches.SOURCES[connection.kind],
            filename=mask_identifiers(f"{connection.name} · {stamp}")[:255],
            stored_file=_store(batch.encode(keep)),
            column_map=_last_column_map(connection),
            include_rejected=connection.include_rejected,
            created_by=user,
        )
        job.villages.set([connection.village_id])  # the villages the import may write
        pull.rows = batch.row_ids(keep)
        pull.import_job = job
        pull.status = Pull.Status.HANDED_OVER
    else:
        pull.status = Pull.Status.NOTHING_NEW
        pull.finished_at = timezone.now()
    pull.save()
    return job


def pull_recover(task_result, *, requeue: bool) -> bool:
    """The worker running a pull died (core.jobs.jobs_recover): nothing of it was written
    unless its import had started, which recovers on its own. Run it again once, then fail
    it with a reason. Returns whether the task goes back to the queue."""
    args = (task_result.args_kwargs or {}).get("args") or []
    pull = Pull.objects.filter(pk=args[0] if args else None).select_related("import_job").first()
    job = pull.import_job if pull is not None else None
    if job is not None and job.status in {ImportJob.Status.WAITING, ImportJob.Status.RUNNING}:
        # The worker died during the batch's import (one transaction: nothing of it is
        # written). The registry decides as for an upload; a second try is its own task.
        if job.status == ImportJob.Status.WAITING or import_job_recover(
            SimpleNamespace(args_kwargs={"args": [job.pk]}), requeue=requeue
        ):
            from berdaya.registry.tasks import import_job_task

            import_job_task.enqueue(job.pk)
        return False
    if pull is None or pull.status != Pull.Status.RUNNING:
        return requeue
    if requeue and pull.attempts < 2:
        Pull.objects.filter(pk=pull.pk).update(status=Pull.Status.WAITING, progress=0)
        return True
    _fail(
        pull,
        _(
            "The worker running this pull stopped twice; nothing was imported. Pull again, "
            "or tell your administrator (pull %(pull)s)."
        )
        % {"pull": pull.pk},
    )
    return False
