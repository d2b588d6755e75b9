from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "berdaya.learning"
    label = "learning"
    verbose_name = _("Learning (pembelajaran)")

    def ready(self) -> None:
        from . import audit  # noqa: F401
