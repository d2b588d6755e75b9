"""The demo's second factors: an authenticator for the demo's administrator and manager.

DEMO ONLY. The key below is published (README, docs/privacy.md) so that anyone trying the
demo, and the test suite, can sign in as `manajer` or `admin`: add it to an authenticator
app, or print the current code with `berdaya demo-otp manajer`. A real installation never
runs the demo (the `demo` command refuses in production), so no real account has this key.
"""

from __future__ import annotations

import base64

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from berdaya.accounts.twofactor import requires_second_factor

DEMO_TOTP_KEY = "BERDAYADEMOTWOFACTORNOTFORREALUS"
DEMO_DEVICE_NAME = "Demo (not for real use)"


def _hex_key() -> str:
    return base64.b32decode(DEMO_TOTP_KEY).hex()


def demo_second_factors(users) -> None:
    """A confirmed authenticator with the demo key for each demo user who needs one."""
    for user in users:
        if requires_second_factor(user):
            TOTPDevice.objects.create(
                user=user, name=DEMO_DEVICE_NAME, key=_hex_key(), confirmed=True
            )


def demo_code() -> str:
    """The demo authenticator's current 6-digit code."""
    return f"{totp(base64.b32decode(DEMO_TOTP_KEY), step=30, t0=0, digits=6):06d}"


def demo_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME, confirmed=True).first()
