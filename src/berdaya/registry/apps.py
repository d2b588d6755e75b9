from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "berdaya.registry"
    label = "registry"
    verbose_name = _("Registry (pemetaan)")

    def ready(self) -> None:
        from berdaya.core.jobs import RECOVERY_HOOKS

        from . import audit  # noqa: F401
        from .services.imports import import_job_recover

        RECOVERY_HOOKS["berdaya.registry.tasks.import_job_task"] = import_job_recover
