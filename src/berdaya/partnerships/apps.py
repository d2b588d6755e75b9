from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "berdaya.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships (stakeholders)")

    def ready(self) -> None:
        from . import audit  # noqa: F401
