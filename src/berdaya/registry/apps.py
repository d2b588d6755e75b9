from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "berdaya.registry"
    label = "registry"
    verbose_name = _("Registry (pemetaan)")

    def ready(self) -> None:
        from . import audit  # noqa: F401
