from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "berdaya.planning"
    label = "planning"
    verbose_name = _("Participatory planning")

    def ready(self) -> None:
        from . import audit  # noqa: F401
