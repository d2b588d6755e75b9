"""The access rule: the one place that decides what a user may see.

A user sees data through memberships in organisations:

* **admin** and **programme manager** of an organisation: everything of that
  organisation in every village its programmes cover;
* **facilitator**: everything of that organisation in the villages they are
  assigned to;
* **viewer**: programme data (aggregates, plans) of the organisation's villages,
  never personal data.

Each model that holds personal or programme data declares an `access_scope`
(`Scope(organisation=..., village=..., personal=...)`): the ORM paths to the
owning organisation and to the village. `visible_to(user, queryset)` filters any
queryset of such a model; `get_visible_or_404` fetches one object or answers
404 (never 403, so that the existence of an object in another village is not
revealed). Selectors call these; views never build unscoped querysets of such
models. Superusers get no exemption: platform administration is not a licence
to read a village's personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.http import Http404


@dataclass(frozen=True)
class Scope:
    organisation: str  # ORM path to the owning organisation's id
    village: str  # ORM path to the village (code); may cross a many-to-many
    personal: bool = True  # personal data: hidden from viewers
    many: bool = False  # the village path crosses a many-to-many relation


@dataclass(frozen=True)
class Grant:
    organisation_id: int
    role: str
    village_codes: frozenset[str]

    @property
    def personal(self) -> bool:
        from berdaya.organisations.models import Role

        return self.role != Role.VIEWER


def _scope_of(model: type[Model]) -> Scope:
    scope = getattr(model, "access_scope", None)
    if not isinstance(scope, Scope):
        raise ImproperlyConfigured(
            f"{model.__name__} has no access_scope; declare one before querying it for users."
        )
    return scope


def grants_for(user) -> list[Grant]:
    """The (organisation, role, villages) triples a user holds, cached per request user."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_berdaya_grants", None)
    if cached is not None:
        return cached
    from berdaya.organisations.models import Membership, Role, VillageAssignment
    from berdaya.programmes.models import ProgrammeVillage

    grants = []
    memberships = Membership.objects.filter(user=user, is_active=True).order_by("organisation_id")
    for membership in memberships:
        if membership.role == Role.FACILITATOR:
            codes = VillageAssignment.objects.filter(membership=membership).values_list(
                "village_id", flat=True
            )
        else:
            codes = ProgrammeVillage.objects.filter(
                programme__organisation_id=membership.organisation_id
            ).values_list("village_id", flat=True)
        grants.append(Grant(membership.organisation_id, membership.role, frozenset(codes)))
    user._berdaya_grants = grants
    return grants


def forget_grants(user) -> None:
    """Drop the per-request cache (after memberships or assignments change)."""
    if hasattr(user, "_berdaya_grants"):
        del user._berdaya_grants


def _condition(user, scope: Scope) -> Q:
    condition = Q(pk__in=[])  # matches nothing
    for grant in grants_for(user):
        if scope.personal and not grant.personal:
            continue
        condition |= Q(
            **{
                scope.organisation: grant.organisation_id,
                f"{scope.village}__in": grant.village_codes,
            }
        )
    return condition


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """Only the rows of `queryset` that `user` may see."""
    scope = _scope_of(queryset.model)
    condition = _condition(user, scope)
    if scope.many:
        # Crossing a many-to-many relation repeats rows; filter by key instead.
        keys = queryset.model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=keys)
    return queryset.filter(condition)


def get_visible_or_404(user, queryset: QuerySet, **lookup) -> Model:
    try:
        return visible_to(user, queryset).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def village_codes_for(
    user, *, personal: bool = False, organisation_id: int | None = None
) -> frozenset[str]:
    """Villages where `user` may see programme data (or personal data if `personal`)."""
    codes: set[str] = set()
    for grant in grants_for(user):
        if personal and not grant.personal:
            continue
        if organisation_id is not None and grant.organisation_id != organisation_id:
            continue
        codes |= grant.village_codes
    return frozenset(codes)


def organisation_ids_for(user, *, roles: set[str] | None = None) -> frozenset[int]:
    return frozenset(
        grant.organisation_id for grant in grants_for(user) if roles is None or grant.role in roles
    )


def can_reveal_identifiers(user, *, organisation_id: int, village_code: str) -> bool:
    """Whether `user` may see a full NIK/KK (logged when used): admins and managers."""
    from berdaya.organisations.models import Role

    return any(
        grant.organisation_id == organisation_id
        and grant.role in {Role.ADMIN, Role.MANAGER}
        and village_code in grant.village_codes
        for grant in grants_for(user)
    )


def count_visible_to(user, queryset: QuerySet) -> int:
    """How many rows of `queryset` fall in the user's villages, for aggregate figures.

    Viewers may see aggregates of personal data (how many households) but never the
    rows themselves, so this ignores the `personal` flag and returns only a number.
    """
    scope = _scope_of(queryset.model)
    aggregate_scope = Scope(scope.organisation, scope.village, personal=False, many=scope.many)
    condition = _condition(user, aggregate_scope)
    if scope.many:
        keys = queryset.model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=keys).count()
    return queryset.filter(condition).count()


def counts_by_visible_to(user, queryset: QuerySet, field: str) -> dict:
    """How many rows of `queryset` in the user's villages have each value of `field`: the
    aggregate a viewer may see where the rows themselves are personal (`count_visible_to`
    grouped)."""
    from django.db.models import Count

    scope = _scope_of(queryset.model)
    aggregate_scope = Scope(scope.organisation, scope.village, personal=False, many=scope.many)
    condition = _condition(user, aggregate_scope)
    if scope.many:
        keys = queryset.model._default_manager.filter(condition).values("pk")
        queryset = queryset.filter(pk__in=keys)
    else:
        queryset = queryset.filter(condition)
    rows = queryset.order_by().values(field).annotate(n=Count("pk", distinct=True))
    return {row[field]: row["n"] for row in rows}
