from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "berdaya.accounts"
    label = "accounts"
    verbose_name = _("Accounts: profile, access tokens and sign-in security")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers models with the audit trail)
