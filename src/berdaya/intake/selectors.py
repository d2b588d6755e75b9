"""Reads of the intake app, through the access rule (`core.access`)."""

from __future__ import annotations

from django.db.models import QuerySet

from berdaya.core.access import get_visible_or_404, visible_to
from berdaya.programmes.models import Programme

from .models import Pull, ServerConnection


def connections_of(*, user, programme: Programme) -> QuerySet[ServerConnection]:
    """The programme's connections in the villages where `user` sees personal data."""
    return visible_to(
        user, ServerConnection.objects.filter(programme=programme).select_related("village")
    )


def connection_get(*, user, pk: int) -> ServerConnection:
    return get_visible_or_404(
        user,
        ServerConnection.objects.select_related("village", "programme", "updated_by"),
        pk=pk,
    )


def pulls_of(*, user, connection: ServerConnection) -> QuerySet[Pull]:
    return visible_to(
        user,
        Pull.objects.filter(connection=connection).select_related("import_job", "requested_by"),
    )


def pull_get(*, user, pk: int) -> Pull:
    return get_visible_or_404(
        user,
        Pull.objects.select_related(
            "connection__village", "connection__programme", "import_job", "requested_by"
        ),
        pk=pk,
    )
