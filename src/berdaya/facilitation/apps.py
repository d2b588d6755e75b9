from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitationConfig(AppConfig):
    name = "berdaya.facilitation"
    label = "facilitation"
    verbose_name = _("Accompaniment (pendampingan)")

    def ready(self) -> None:
        from . import audit  # noqa: F401
