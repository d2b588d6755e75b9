from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "berdaya.intake"
    label = "intake"
    verbose_name = _("Intake from KoboToolbox and ODK Central servers")

    def ready(self) -> None:
        from berdaya.core.jobs import RECOVERY_HOOKS
        from berdaya.registry.importers import IMPORTERS

        from . import audit  # noqa: F401  (registers models with the audit trail)
        from .batches import PULLED_IMPORTERS
        from .services import pull_recover

        # A pulled batch is read by the registry's import like an uploaded file.
        IMPORTERS.update(PULLED_IMPORTERS)
        RECOVERY_HOOKS["berdaya.intake.tasks.pull_task"] = pull_recover
