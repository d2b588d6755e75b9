"""Two-factor sign-in (TOTP, RFC 6238) with django-otp, and recovery codes.

Who must use it: anyone who is an administrator or programme manager in an organisation
(they can reveal NIK/KK and export identified lists), and Django staff. Others may turn it
on. Once a user has a confirmed authenticator, every sign-in asks for a code.

Recovery codes are django-otp static tokens: ten single-use codes shown once, for a lost
phone. The rule is `BERDAYA_2FA_REQUIRED` (on by default, in production and in tests).
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from berdaya.core.access import organisation_ids_for
from berdaya.core.errors import ValidationFailed

RECOVERY_CODES = 10
ISSUER = "Berdaya"


def requires_second_factor(user) -> bool:
    """Administrators and managers (who can see full NIK/KK) and staff must use 2FA."""
    if not getattr(settings, "BERDAYA_2FA_REQUIRED", True):
        return False
    from berdaya.organisations.models import Role

    return bool(
        user.is_staff
        or user.is_superuser
        or organisation_ids_for(user, roles={Role.ADMIN, Role.MANAGER})
    )


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify(user) -> bool:
    """Whether this signed-in user must pass a second factor before anything else."""
    if not user.is_authenticated:
        return False
    return requires_second_factor(user) or has_authenticator(user)


def base32_key(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def authenticator_start(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def authenticator_confirm(*, user, code: str) -> list[str]:
    """Confirm the pending authenticator with a code from it; returns new recovery codes."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise ValidationFailed(_("Start again: scan the new code first."), field="code")
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise ValidationFailed(
            _("That code is not right. Check the phone's clock and try the newest code."),
            field="code",
        )
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
    codes = [f"{secrets.randbelow(10**8):08d}" for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_turn_off(*, user) -> None:
    """Remove the authenticator and recovery codes (only where 2FA is not required)."""
    from berdaya.core.errors import PermissionDenied

    if requires_second_factor(user):
        raise PermissionDenied(_("Your role requires two-step sign-in; it cannot be turned off."))
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def second_factor_check(*, user, code: str):
    """The device that accepts `code` (an authenticator code or a recovery code), or a
    readable refusal. Devices throttle repeated failures themselves."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or not 6 <= len(code) <= 8:
        raise ValidationFailed(
            _("Enter the 6-digit code, or an 8-digit recovery code."), field="code"
        )
    device = match_token(user, code)
    if device is None:
        raise ValidationFailed(
            _("That code is not right, or was used already. Wait for a new code and try again."),
            field="code",
        )
    return device


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning QR code as inline SVG (no image file, no external service)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)
