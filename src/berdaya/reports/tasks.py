"""Background jobs of the reports app (django-tasks)."""

from django_tasks import task


@task()
def report_task(report_id: int) -> None:
    """Make one requested report (PDF and XLSX) and store it."""
    from .services import report_generate

    report_generate(report_id=report_id)
