from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SavingsConfig(AppConfig):
    name = "berdaya.savings"
    label = "savings"
    verbose_name = _("Community money (pengelolaan)")

    def ready(self) -> None:
        from . import audit  # noqa: F401
