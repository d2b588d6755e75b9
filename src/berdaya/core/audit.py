"""The audit trail (django-auditlog), scoped to organisation administrators.

Each audited model returns `{"organisation": id}` from `get_additional_data()`;
auditlog stores it with every entry, so an administrator reads the changes made
in their own organisation only. Note: auditlog sees `save()` and `delete()`, not
`QuerySet.update()` or `bulk_create()`; services that use those write a summary
entry themselves.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db.models import QuerySet

from .access import organisation_ids_for


def entries_visible_to(user) -> QuerySet[LogEntry] | None:
    """The entries `user` may read, or None if they administer no organisation."""
    from berdaya.organisations.models import Role

    organisation_ids = organisation_ids_for(user, roles={Role.ADMIN})
    if not organisation_ids:
        return None
    return (
        LogEntry.objects.filter(additional_data__organisation__in=sorted(organisation_ids))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def actors_of(entries: QuerySet[LogEntry]):
    """The people who appear in `entries`, by name (for the "who" filter)."""
    from django.contrib.auth import get_user_model

    ids = entries.order_by().values_list("actor_id", flat=True).distinct()
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username")
