"""Background jobs that always finish or say why: the worker, its heartbeat, leases, limits.

Berdaya runs its background jobs (imports) with django-tasks-db. Its worker
(`db_worker`, 0.13) opens the transaction that claims a job *outside* its error handling:
on SQLite, a `BEGIN EXCLUSIVE` that meets a held write lock raises "database is locked"
out of the loop, and the worker dies (a thread of the autoreloader under `make run`,
which then idles; exit 1 in production). A job it had claimed stays `running` forever.
`berdaya worker` is that worker made to survive:

* the claim — opening the transaction, locking, marking the job — is one unit inside the
  error handling; any database error backs off (bounded, with jitter) and tries again;
* recording a job's result retries the same way; a traceback kept with a failed job is
  masked (core.masking);
* a heartbeat (`WorkerHeartbeat`) says every few seconds that the worker is alive and
  which job it runs; a job whose worker is gone (its process ended, or on another
  machine it fell silent) has lost its lease: `jobs_recover` returns it to the queue once
  and fails it with a reason the second time (each app says how: `RECOVERY_HOOKS`);
* `berdaya worker --supervise` keeps `BERDAYA_WORKERS` worker processes running and
  restarts one that exits (`make run` uses it), so imports of different people run side
  by side and a crash costs one retry, not the queue;
* `JobLimits` stops a job that runs longer than `BERDAYA_JOB_TIME_LIMIT` or grows past
  `BERDAYA_JOB_MEMORY_MB`, with a message (the job checks it as it goes).
"""

from __future__ import annotations

import datetime
import functools
import logging
import os
import random
import socket
import threading
import time
import traceback
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .db import backoff as db_backoff
from .errors import BerdayaError
from .masking import mask_identifiers

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
# A worker on another machine that has not beaten for this long is gone.
STALE_SECONDS = 60
RECOVER_EVERY = 15  # seconds between lease checks
MAX_ATTEMPTS = 2  # a job is run at most this often (a first run and one after recovery)

# Apps register how to put their own records back when a job loses its lease:
# hook(task_result, *, requeue: bool) -> None (see registry.services.imports).
RECOVERY_HOOKS: dict[str, Callable] = {}


# --- limits on one job ------------------------------------------------------------------------


class JobLimitExceeded(BerdayaError):
    """A job ran too long or grew too large; it stops, and says so."""


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # not Linux: the peak, which is an upper bound
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class JobLimits:
    """Time and memory allowed to one job; `check()` raises JobLimitExceeded past either."""

    def __init__(self, *, seconds: float | None = None, memory_mb: int | None = None):
        self.seconds = settings.BERDAYA_JOB_TIME_LIMIT if seconds is None else seconds
        self.memory_mb = settings.BERDAYA_JOB_MEMORY_MB if memory_mb is None else memory_mb
        self.started = time.monotonic()

    def check(self) -> None:
        if time.monotonic() - self.started > self.seconds:
            raise JobLimitExceeded(
                _(
                    "This job took longer than %(minutes)s minutes and was stopped; nothing "
                    "was written. Split the file into smaller ones and upload them one by one."
                )
                % {"minutes": f"{self.seconds / 60:.0f}"}
            )
        if _resident_bytes() > self.memory_mb * 1024 * 1024:
            raise JobLimitExceeded(
                _(
                    "This job needed more than %(mb)s MB of memory and was stopped; nothing "
                    "was written. Split the file into smaller ones and upload them one by one."
                )
                % {"mb": f"{self.memory_mb:,}"}
            )


# --- retrying database work -------------------------------------------------------------------


def backoff(attempt: int) -> float:
    """Seconds before the worker tries again (core.db.backoff, from 0.2 s up to 10 s)."""
    return db_backoff(attempt, first=0.2, cap=10.0)


def _retrying(work: Callable, *, attempts: int = 5, what: str = ""):
    for attempt in range(attempts):
        try:
            return work()
        except DatabaseError as error:
            if attempt == attempts - 1:
                raise
            logger.warning(
                "%s failed (%s); retrying", what or "database work", type(error).__name__
            )
            _reset_connection()
            time.sleep(backoff(attempt))
    return None


def _reset_connection() -> None:
    """After a database error: leave any broken transaction and drop the connection."""
    try:
        if connection.in_atomic_block:
            return  # the caller's transaction decides
        connection.close()
    except DatabaseError:
        pass


# --- heartbeats and leases --------------------------------------------------------------------


def _host() -> str:
    return socket.gethostname()[:255]


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def _alive(beat, now: datetime.datetime) -> bool:
    """Is the worker of this heartbeat still there? On this machine its process says so
    (a long write can hold SQLite's lock longer than a heartbeat waits); elsewhere, a
    recent beat."""
    if beat.host == _host():
        return _process_alive(beat.pid)
    return beat.beat_at >= now - datetime.timedelta(seconds=STALE_SECONDS)


def workers_alive() -> int:
    """How many background workers are running now (0: jobs would wait)."""
    from .models import WorkerHeartbeat

    now = timezone.now()
    return sum(1 for beat in WorkerHeartbeat.objects.all() if _alive(beat, now))


def workers_needed() -> bool:
    """Whether jobs wait for a worker at all (not with the immediate backend of tests)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.compat import task_backends

    return isinstance(task_backends["default"], DatabaseBackend)


def jobs_recover() -> int:
    """Return jobs whose worker is gone to the queue (or fail them after MAX_ATTEMPTS, or
    at once if their app says so); forget heartbeats of workers that are gone. Returns the
    number of jobs recovered."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    now = timezone.now()
    beats = {beat.worker_id: beat for beat in WorkerHeartbeat.objects.all()}
    alive = {worker for worker, beat in beats.items() if _alive(beat, now)}
    recovered = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker in alive:
            continue
        with transaction.atomic():
            fresh = DBTaskResult.objects.select_for_update().filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            )
            result = fresh.first()
            if result is None:
                continue
            requeue = len(result.worker_ids) < MAX_ATTEMPTS
            hook = RECOVERY_HOOKS.get(result.task_path)
            if hook is not None:
                requeue = hook(result, requeue=requeue)
            if requeue:
                result.status = TaskResultStatus.READY
                result.save(update_fields=["status"])
            else:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = "berdaya.core.jobs.LeaseExpired"
                result.traceback = "The worker running this job stopped; its lease expired."
                result.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
            logger.warning(
                "Job %s lost its worker; %s", result.pk, "requeued" if requeue else "failed"
            )
            recovered += 1
    gone = [worker for worker in beats if worker not in alive]
    if gone:
        WorkerHeartbeat.objects.filter(worker_id__in=gone).delete()
    return recovered


class Heartbeat:
    """A thread that writes the worker's heartbeat every HEARTBEAT_SECONDS (and says which
    job it runs). A beat that meets a locked database is simply tried again next time."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.job = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=HEARTBEAT_SECONDS * 2)
        try:
            from .models import WorkerHeartbeat

            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:
            # Harmless: the row stops being refreshed, so `recover` sees the worker gone
            # and removes it; said in the log so a stuck database does not go unnoticed.
            logger.warning(
                "Worker %s stopped; its heartbeat row is left for recovery.", self.worker_id
            )

    def beat(self) -> None:
        from .models import WorkerHeartbeat

        now = timezone.now()
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=self.worker_id,
                defaults={"beat_at": now, "job": self.job, "host": _host(), "pid": os.getpid()},
                create_defaults={
                    "beat_at": now,
                    "job": self.job,
                    "host": _host(),
                    "pid": os.getpid(),
                    "started_at": now,
                },
            )
        except DatabaseError as error:
            logger.info("Heartbeat not written (%s); next time.", type(error).__name__)
            _reset_connection()

    def _run(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                self.beat()
        finally:
            connection.close()


# --- the worker -----------------------------------------------------------------------------


def _worker_class():
    from django_tasks_db.management.commands.db_worker import Worker as UpstreamWorker

    class Worker(UpstreamWorker):
        """django-tasks-db's worker with the claim and the bookkeeping inside the error
        handling, a heartbeat, and lease recovery between jobs."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.heartbeat = Heartbeat(self.worker_id)
            self._failures = 0
            self._recovered_at = 0.0

        def claim(self):
            """(task result or None, whether the queue was read)."""
            from django_tasks_db.models import DBTaskResult
            from django_tasks_db.utils import exclusive_transaction

            tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
            if not self.process_all_queues:
                tasks = tasks.filter(queue_name__in=self.queue_names)
            if self.excluded_queue_names:
                tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
            try:
                with exclusive_transaction(tasks.db):
                    task_result = tasks.get_locked()
                    if task_result is not None:
                        task_result.claim(self.worker_id)
            except DatabaseError as error:
                delay = backoff(self._failures)
                self._failures += 1
                logger.warning(
                    "Could not read the job queue (%s); trying again in %.1f s",
                    mask_identifiers(str(error))[:200],
                    delay,
                )
                _reset_connection()
                time.sleep(delay)
                return None, False
            self._failures = 0
            return task_result, True

        def recover(self) -> None:
            if time.monotonic() - self._recovered_at < RECOVER_EVERY:
                return
            self._recovered_at = time.monotonic()
            try:
                jobs_recover()
            except DatabaseError as error:
                logger.info("Lease check skipped (%s)", type(error).__name__)
                _reset_connection()

        def run(self) -> None:
            logger.info("Starting worker %s (pid %s)", self.worker_id, os.getpid())
            if self.startup_delay and self.interval:
                time.sleep(random.random())  # noqa: S311 (spreads workers' first polls)
            self.heartbeat.start()
            try:
                while self.running:
                    close_old_connections()
                    self.recover()
                    task_result, read = self.claim()
                    if task_result is not None:
                        self.heartbeat.job = str(task_result.pk)
                        self.run_task(task_result)
                        self.heartbeat.job = ""
                    if self.batch and read and task_result is None:
                        return
                    if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                        return
                    close_old_connections()
                    if self.running and task_result is None:
                        time.sleep(self.interval)
            finally:
                self.heartbeat.stop()

        def run_task(self, db_task_result) -> None:
            from django_tasks_db.compat import TaskContext, task_finished, task_started

            self.running_task = True
            try:
                task = db_task_result.task
                backend = type(task.get_backend())
                task_started.send(sender=backend, task_result=db_task_result.task_result)
                result = db_task_result.task_result
                if task.takes_context:
                    value = task.call(
                        TaskContext(task_result=result), *result.args, **result.kwargs
                    )
                else:
                    value = task.call(*result.args, **result.kwargs)
                _retrying(lambda: db_task_result.set_successful(value), what="Recording a result")
                task_finished.send(sender=backend, task_result=db_task_result.task_result)
            except BaseException as error:  # recorded, then SystemExit & co. go on
                try:
                    _retrying(
                        functools.partial(_set_failed, db_task_result, error),
                        what="Recording a failure",
                    )
                except DatabaseError:
                    logger.error(
                        "Job %s: result not recorded; it will be recovered", db_task_result.pk
                    )
                if not isinstance(error, Exception):
                    raise
            finally:
                self.running_task = False
                self._run_tasks += 1

    return Worker


def _set_failed(db_task_result, error: BaseException) -> None:
    db_task_result.set_failed(error)
    masked = mask_identifiers(db_task_result.traceback)
    if masked != db_task_result.traceback:
        type(db_task_result).objects.filter(pk=db_task_result.pk).update(traceback=masked)
    logger.error(
        "Job %s failed: %s\n%s",
        db_task_result.pk,
        type(error).__name__,
        "".join(traceback.format_tb(error.__traceback__)),
    )


def make_worker(**options):
    """A worker for `berdaya worker` (options as django-tasks-db's Worker takes them)."""
    return _worker_class()(**options)
