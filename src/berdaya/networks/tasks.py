"""Background jobs of the networks app (django-tasks)."""

from django_tasks import task

from .models import CriticalMassRun


@task()
def network_figures_task(organisation_id: int, village_code: str) -> None:
    """Compute a village's network figures after its ties changed."""
    from .services import network_refresh

    network_refresh(organisation_id=organisation_id, village_code=village_code)


@task()
def critical_mass_task(run_id: int) -> None:
    """Simulate one queued critical-mass run."""
    from .services import critical_mass_simulate

    run = CriticalMassRun.objects.select_related("programme").filter(pk=run_id).first()
    if run is not None and run.status == CriticalMassRun.Status.QUEUED:
        critical_mass_simulate(run=run)
