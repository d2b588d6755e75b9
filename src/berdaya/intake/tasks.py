"""Background jobs of the intake app (django-tasks; `berdaya worker` runs them)."""

from django_tasks import task


@task()
def pull_task(pull_id: int) -> None:
    """Run one pull (see `services.pull_run`)."""
    from .services import pull_run

    pull_run(pull_id)
