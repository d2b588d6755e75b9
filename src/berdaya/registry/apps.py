from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, using, **kwargs) -> None:
    """Keep the read path whole after any migration: the person-name index (a SQLite table
    rebuild drops its triggers) and stored figures for households that have none yet (a
    registry upgraded to stored figures). A no-op when everything is in place."""
    from .figures import figures_rebuild
    from .models import Household, HouseholdFigures
    from .search import ensure_index

    ensure_index(using)
    households = Household.objects.using(using)
    if households.exclude(pk__in=HouseholdFigures.objects.using(using).values("pk")).exists():
        figures_rebuild()


class RegistryConfig(AppConfig):
    name = "berdaya.registry"
    label = "registry"
    verbose_name = _("Registry (pemetaan)")

    def ready(self) -> None:
        from berdaya.core.jobs import RECOVERY_HOOKS

        from . import audit  # noqa: F401

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="registry-read-path")
        from .services.imports import import_job_recover

        RECOVERY_HOOKS["berdaya.registry.tasks.import_job_task"] = import_job_recover
