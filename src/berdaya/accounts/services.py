"""Writes for a user's own account: personal access tokens."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berdaya.core.errors import NotFound, ValidationFailed

from .models import PersonalAccessToken

TOKEN_PREFIX = "bdy_"  # noqa: S105  (a public marker, not a secret)
PREFIX_CHARS = 8  # public part after "bdy_": enough to find the row, not to guess a token
MAX_EXPIRY_DAYS = 365
MAX_ACTIVE_TOKENS = 20
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)  # at most one write a minute per token


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: PersonalAccessToken
    secret: str  # the whole token, shown to its owner once and never stored


@transaction.atomic
def token_create(*, user, name: str, scope: str, expires_in_days: int) -> NewToken:
    """A new token for `user`; the returned secret is the only copy."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("Give the token a name, e.g. the tool that uses it."), field="name"
        )
    if len(name) > 100:
        raise ValidationFailed(_("The name is too long (100 characters at most)."), field="name")
    if scope not in PersonalAccessToken.Scope.values:
        raise ValidationFailed(_("Choose one of the listed answers."), field="scope")
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed(
            _("A token expires after 1 to %(days)d days.") % {"days": MAX_EXPIRY_DAYS},
            field="expires_in_days",
        )
    active = PersonalAccessToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            _("You have %(count)d active tokens; revoke one you no longer use first.")
            % {"count": active}
        )
    public = TOKEN_PREFIX + secrets.token_hex(PREFIX_CHARS // 2)
    while PersonalAccessToken.objects.filter(prefix=public).exists():  # pragma: no cover
        public = TOKEN_PREFIX + secrets.token_hex(PREFIX_CHARS // 2)
    raw = f"{public}_{secrets.token_urlsafe(32)}"
    token = PersonalAccessToken.objects.create(
        user=user,
        name=name,
        prefix=public,
        digest=_digest(raw),
        scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
    return NewToken(token=token, secret=raw)


@transaction.atomic
def token_revoke(*, user, token_id: int) -> PersonalAccessToken:
    """Revoke one of `user`'s own tokens (another user's token answers "not found")."""
    token = PersonalAccessToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_authenticate(raw: str) -> PersonalAccessToken | None:
    """The active token `raw` is, or None. Compares digests in constant time."""
    raw = (raw or "").strip()
    if not raw.startswith(TOKEN_PREFIX) or raw.count("_") < 2 or len(raw) > 200:
        return None
    public = raw[: len(TOKEN_PREFIX) + PREFIX_CHARS]
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(prefix=public, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.digest, _digest(raw)):
        return None
    now = timezone.now()
    if token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def password_confirm(request, *, user, password: str) -> None:
    """Ask for the password again (before making a token). Goes through Django's
    `authenticate`, so django-axes counts a wrong password and locks like a sign-in."""
    from django.contrib.auth import authenticate

    from berdaya.core.errors import PermissionDenied

    checked = authenticate(request, username=user.get_username(), password=password)
    if getattr(request, "axes_locked_out", False):
        raise PermissionDenied(lockout_message(), field="password")
    if checked is None or checked.pk != user.pk:
        raise ValidationFailed(_("That is not your password."), field="password")


def lockout_message() -> str:
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many wrong passwords. Signing in is locked for %(minutes)d minutes, for this "
        "account and this address. An administrator can unlock it sooner."
    ) % {"minutes": minutes}
