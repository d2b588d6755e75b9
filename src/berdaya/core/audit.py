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


def import_rows_visible_to(user, import_id: int) -> dict | None:
    """What one import wrote (households and persons carry their import job: bulk writes
    bypass django-auditlog), for an administrator of its organisation; None otherwise."""
    from berdaya.organisations.models import Role
    from berdaya.registry.models import Household, ImportJob, Person

    from .access import visible_to

    organisation_ids = organisation_ids_for(user, roles={Role.ADMIN})
    job = ImportJob.objects.filter(pk=import_id, organisation_id__in=organisation_ids).first()
    if job is None:
        return None
    households = visible_to(user, Household.objects.filter(import_job=job)).order_by("pk")
    persons = visible_to(user, Person.objects.filter(import_job=job)).order_by("household_id", "pk")
    return {"job": job, "households": households, "persons": persons}


def actors_of(entries: QuerySet[LogEntry]):
    """The people who appear in `entries`, by name (for the "who" filter)."""
    from django.contrib.auth import get_user_model

    ids = entries.order_by().values_list("actor_id", flat=True).distinct()
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "username")
