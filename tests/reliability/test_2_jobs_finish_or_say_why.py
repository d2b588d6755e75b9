"""Finding 2: django-tasks-db's worker died on "database is locked" (the transaction that
claims a job was opened outside its error handling), and imports then waited forever; a
job left `running` by a killed worker was never recovered.

`berdaya worker` survives database errors, a supervisor restarts it, a job whose worker
died is returned to the queue (then failed with a reason), and the imports page says
when no worker is running. Real worker processes, a held write lock and `kill -9`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.samples import synthetic_households, template_filled_csv
from berdaya.registry.models import ImportJob
from berdaya.registry.xlsform import form_build

from .processes import SharedDatabase, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queue_import(demo, settings, households: int, seed: int) -> ImportJob:
    from berdaya.registry.services import import_job_create

    settings.TASKS = DATABASE_TASKS
    content = template_filled_csv(
        synthetic_households(households, village_code=GIRISEKAR, seed=seed), form_build()
    )
    return import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source="template",
        uploaded_file=SimpleUploadedFile("pemetaan.csv", content),
    )


def _status(shared: SharedDatabase, job: ImportJob) -> str:
    return shared.value("SELECT status FROM registry_importjob WHERE id = %s", [job.pk])


def _written(shared: SharedDatabase, job: ImportJob) -> int:
    return shared.value(
        "SELECT COUNT(*) FROM registry_household WHERE import_job_id = %s", [job.pk]
    )


def test_the_worker_survives_a_held_write_lock_and_then_runs_the_import(
    demo, settings, tmp_path, media
):
    job = _queue_import(demo, settings, households=3, seed=21)
    shared = SharedDatabase(tmp_path)
    log = tmp_path / "worker.log"
    with shared.write_lock():
        worker = shared.berdaya("worker", "--interval", "0.2", media=media, log=log)
        try:
            time.sleep(6)  # longer than SQLite's busy timeout, several claims fail
            assert worker.poll() is None, log.read_text()
        except BaseException:
            stop(worker)
            raise
    try:
        wait_for(lambda: _status(shared, job) == "done", timeout=60, what="the import")
        assert _written(shared, job) == 3
        assert worker.poll() is None, "the worker stopped"
    finally:
        stop(worker)


def test_a_worker_killed_mid_import_writes_nothing_and_a_new_one_finishes_it(
    demo, settings, tmp_path, media
):
    job = _queue_import(demo, settings, households=4000, seed=22)
    shared = SharedDatabase(tmp_path)
    log = tmp_path / "worker.log"
    worker = shared.berdaya("worker", "--interval", "0.2", media=media, log=log)
    try:
        # Writing starts at 60 % (parsed and checked): kill the worker inside the write.
        wait_for(
            lambda: (
                (
                    shared.value("SELECT progress FROM registry_importjob WHERE id = %s", [job.pk])
                    or 0
                )
                >= 60
            ),
            timeout=120,
            every=0.01,
            what="the write to start",
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        stop(worker)
    assert _status(shared, job) == "running", "the kill came too late to test anything"
    assert _written(shared, job) == 0  # all or nothing: the killed write left nothing

    again = shared.berdaya("worker", "--interval", "0.2", media=media, log=log)
    try:
        wait_for(lambda: _status(shared, job) == "done", timeout=180, what="the retried import")
    finally:
        stop(again)
    assert _written(shared, job) == 4000
    assert shared.value("SELECT attempts FROM registry_importjob WHERE id = %s", [job.pk]) == 2


def test_a_job_whose_worker_died_twice_fails_with_a_reason(demo, settings):
    from django_tasks_db.models import DBTaskResult

    from berdaya.core.jobs import jobs_recover
    from berdaya.core.models import WorkerHeartbeat

    job = _queue_import(demo, settings, households=1, seed=23)
    task = DBTaskResult.objects.get()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process id that is no longer running
    from django.utils import timezone

    for attempt in (1, 2):
        worker_id = f"dead-{attempt}"
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            host=os.uname().nodename,
            pid=gone.pid,
            started_at=timezone.now(),
            beat_at=timezone.now(),
        )
        task.refresh_from_db()
        task.claim(worker_id)
        ImportJob.objects.filter(pk=job.pk).update(status="running", attempts=attempt)
        assert jobs_recover() == 1
        job.refresh_from_db()
        task.refresh_from_db()
        if attempt == 1:
            assert (job.status, task.status) == ("waiting", "READY")
    assert (job.status, task.status) == ("failed", "FAILED")
    assert (
        "nothing was written" in job.errors[0]["reason"] or "tidak ada" in job.errors[0]["reason"]
    )


def test_the_imports_page_says_when_no_worker_is_running(demo, settings, login):
    from berdaya.core.models import WorkerHeartbeat

    settings.TASKS = DATABASE_TASKS
    client = login("pendamping.girisekar")
    page = client.get(reverse("registry:import-list")).content.decode()
    assert 'data-testid="no-worker"' in page
    from django.utils import timezone

    WorkerHeartbeat.objects.create(
        worker_id="here",
        host=os.uname().nodename,
        pid=os.getpid(),
        started_at=timezone.now(),
        beat_at=timezone.now(),
    )
    page = client.get(reverse("registry:import-list")).content.decode()
    assert 'data-testid="no-worker"' not in page


def test_the_supervisor_restarts_a_worker_that_dies(demo, tmp_path, media):
    shared = SharedDatabase(tmp_path)
    log = tmp_path / "supervisor.log"
    supervisor = shared.berdaya(
        "worker", "--supervise", "--processes", "1", "--interval", "0.2", media=media, log=log
    )

    def worker_pids():
        return shared.value("SELECT COUNT(*) FROM core_workerheartbeat") and shared.value(
            "SELECT pid FROM core_workerheartbeat ORDER BY started_at DESC LIMIT 1"
        )

    try:
        wait_for(lambda: bool(worker_pids()), timeout=60, what="a worker")
        first = worker_pids()
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: worker_pids() not in (None, first), timeout=60, what="a new worker")
        assert supervisor.poll() is None
    finally:
        stop(supervisor)
