"""Background jobs of the registry (django-tasks; `berdaya worker` runs them)."""

from django_tasks import task


@task()
def import_job_task(job_id: int) -> None:
    """Run one import (see `services.imports.import_job_run`)."""
    from .services.imports import import_job_run

    import_job_run(job_id)
