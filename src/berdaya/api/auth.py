"""Who is calling: a personal access token (programs) or the browser's own session.

Each request first passes the per-IP rate limit (so failed tokens are limited too), then:

* `Authorization: Bearer bdy_…` — a token made on the profile page. A read token may
  only read (GET); anything else answers 403. The request then runs as the token's
  user, under exactly the same access rule as that user's pages;
* the session cookie of a signed-in browser, with Django's CSRF check on writes.

Managers and administrators must have passed their second factor for the session to
count (the same rule as the pages; see `berdaya.accounts.twofactor`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from berdaya.accounts.services import token_authenticate
from berdaya.accounts.twofactor import must_verify
from berdaya.core import channel
from berdaya.core.errors import PermissionDenied

from . import throttling

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _as_actor(request, user) -> None:
    """Run the rest of the request as `user`: pages' code and the audit trail see them."""
    request.user = user
    try:
        from auditlog.context import auditlog_value

        auditlog_value.get()["actor"] = user
    except LookupError:  # no audit context (outside a request)
        pass


class TokenAuth(HttpBearer):
    """A personal access token in the Authorization header."""

    def __call__(self, request):
        ip_limit = throttling.IPRateThrottle()
        if not ip_limit.allow_request(request):
            raise Throttled(wait=ip_limit.wait())
        return super().__call__(request)

    def authenticate(self, request, token: str):
        found = token_authenticate(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise PermissionDenied(_("This token may only read. Make a read-and-write token."))
        _as_actor(request, found.user)
        request.berdaya_token = found
        channel.channel_set(channel.token_channel(found.prefix))
        return found.user


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser (htmx calls from the pages), with CSRF on writes."""

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated:
            return None
        if must_verify(user) and not user.is_verified():
            return None  # signed in with the password only: no second factor yet
        channel.channel_set(channel.API_SESSION)
        return user


def principal_key(request) -> str:
    """What the per-caller rate limit counts: the token, or the signed-in user."""
    token = getattr(request, "berdaya_token", None)
    if token is not None:
        return f"token:{token.pk}"
    return f"user:{request.user.pk}"
