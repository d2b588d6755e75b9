from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "berdaya.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from . import audit  # noqa: F401
