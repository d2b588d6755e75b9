from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MapsConfig(AppConfig):
    name = "berdaya.maps"
    label = "maps"
    verbose_name = _("Maps")

    def ready(self) -> None:
        from . import audit  # noqa: F401
