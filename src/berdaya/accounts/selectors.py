"""Reads of a user's own account."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import PersonalAccessToken


def tokens_of(user) -> QuerySet[PersonalAccessToken]:
    """The user's own tokens, newest first (revoked and expired ones too, for the record)."""
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at", "-pk")
