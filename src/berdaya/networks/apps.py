from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "berdaya.networks"
    label = "networks"
    verbose_name = _("Influence networks")

    def ready(self) -> None:
        from . import audit  # noqa: F401
