"""For tests: sign a test client past the second factor, as a person would with their code.

`verify_second_factor(client, user)` after `client.force_login(user)` marks the session as
having passed two-step sign-in with the user's authenticator (the demo's, for demo users).
It changes nothing in the rule itself: a client that skips it is sent to the two-step page.
"""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from .twofactor import must_verify


def verify_second_factor(client, user) -> None:
    if not must_verify(user):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by(
        "pk"
    ).first() or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def signed_in(client, user):
    """`force_login` plus the second factor: a client as the user has it after signing in."""
    client.force_login(user)
    verify_second_factor(client, user)
    return client
