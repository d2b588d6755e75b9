from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "berdaya.transparency"
    label = "transparency"
    verbose_name = _("Public transparency page")

    def ready(self) -> None:
        from . import audit  # noqa: F401
