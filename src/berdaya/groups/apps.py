from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "berdaya.groups"
    label = "groups"
    verbose_name = _("Groups and institutions (pelembagaan)")

    def ready(self) -> None:
        from . import audit  # noqa: F401
