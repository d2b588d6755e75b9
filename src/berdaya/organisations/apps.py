from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "berdaya.organisations"
    label = "organisations"
    verbose_name = _("Organisations and roles")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit trail)
