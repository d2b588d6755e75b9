from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "berdaya.reports"
    label = "reports"
    verbose_name = _("Reports (PDF)")

    def ready(self) -> None:
        from berdaya.core.jobs import RECOVERY_HOOKS

        from . import audit  # noqa: F401  (registers models with the audit trail)
        from .services import report_recover

        RECOVERY_HOOKS["berdaya.reports.tasks.report_task"] = report_recover
