from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "berdaya.community"
    label = "community"
    verbose_name = _("Community profile (pemetaan)")

    def ready(self) -> None:
        from . import audit  # noqa: F401
