"""Reads of the registry, always through the access rule.

Two kinds of scope:

* rows (`households_visible_to`, `persons_visible_to`, `household_get`, ...): personal
  data, for facilitators, managers and administrators of the village;
* figures (`households_for_figures`, `persons_for_figures`): the same rows for counting
  and grouping only, also for viewers, who may see aggregates but never a row. Code that
  takes these querysets returns numbers, never names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from berdaya.areas.models import Village
from berdaya.core import crypto
from berdaya.core.access import (
    get_visible_or_404,
    organisation_ids_for,
    village_codes_for,
    visible_to,
)
from berdaya.core.models import PersonalDataAccess

from . import indicators
from .models import (
    Consent,
    CustomQuestion,
    Enrolment,
    Household,
    HouseholdSurvey,
    Person,
    RegistryEvent,
    SocialProtectionScheme,
)


def households_visible_to(user) -> QuerySet[Household]:
    return visible_to(user, Household.objects.all())


def persons_visible_to(user) -> QuerySet[Person]:
    return visible_to(user, Person.objects.all())


def _figures_condition(user, *, organisation: str, village: str) -> Q:
    """Rows of the organisations and villages where `user` may see figures (any role)."""
    condition = Q(pk__in=[])
    for organisation_id in sorted(organisation_ids_for(user)):
        codes = village_codes_for(user, organisation_id=organisation_id)
        condition |= Q(**{organisation: organisation_id, f"{village}__in": codes})
    return condition


def households_for_figures(user) -> QuerySet[Household]:
    """Households `user` may count (viewers too). Never render these as rows."""
    return Household.objects.filter(
        _figures_condition(user, organisation="organisation_id", village="village_id")
    )


def persons_for_figures(user) -> QuerySet[Person]:
    """Persons `user` may count (viewers too). Never render these as rows."""
    return Person.objects.filter(
        _figures_condition(user, organisation="organisation_id", village="household__village_id")
    )


def personal_villages(user) -> QuerySet[Village]:
    """Villages where `user` may see households (not viewers)."""
    return Village.objects.filter(code__in=village_codes_for(user, personal=True)).order_by("name")


# -- the household list ------------------------------------------------------------------------

ALL_STATUSES = "all"
ENROLLED, NOT_ENROLLED = "enrolled", "not_enrolled"


@dataclass(frozen=True)
class HouseholdFilters:
    q: str = ""
    village: str = ""
    dusun: str = ""
    rw: str = ""
    rt: str = ""
    poverty: str = ""  # a PovertyStatus value; "poor" includes the severely poor
    scheme: str = ""  # a SocialProtectionScheme code
    enrolment: str = ""  # ENROLLED or NOT_ENROLLED (any scheme when no scheme is chosen)
    status: str = Household.Status.ACTIVE  # or ALL_STATUSES
    organisation_id: int | None = None  # the workspace's organisation
    identifier_hash: str = ""  # the keyed hash of a NIK or KK searched for


IDENTIFIER_DIGITS = 16


def identifier_searched(text: str) -> str:
    """The digits of a NIK/KK if `text` is one (spaces and dashes allowed), else ""."""
    text = (text or "").strip()
    digits = crypto.normalise_identifier(text)
    typed = text.replace(" ", "").replace("-", "").replace(".", "")
    return digits if len(digits) == IDENTIFIER_DIGITS and digits == typed else ""


def _search(households: QuerySet[Household], text: str) -> QuerySet[Household]:
    digits = identifier_searched(text)
    if digits:
        return _by_identifier(households, crypto.blind_index(digits))
    persons = Person.objects.filter(name__icontains=text.strip()).values("household_id")
    return households.filter(pk__in=persons)


def _by_identifier(households: QuerySet[Household], key: str) -> QuerySet[Household]:
    # An exact NIK or KK, through the keyed hash: nothing is decrypted to search.
    persons = Person.objects.filter(nik_hash=key).values("household_id")
    return households.filter(Q(kk_hash=key) | Q(pk__in=persons))


def household_search(*, user, filters: HouseholdFilters) -> QuerySet[Household]:
    """The user's households matching `filters`, except the poverty filter (see
    `household_filter`), ordered by place."""
    households = households_visible_to(user)
    if filters.organisation_id:
        households = households.filter(organisation_id=filters.organisation_id)
    if filters.village:
        households = households.filter(village_id=filters.village)
    for name in ("dusun", "rw", "rt"):
        value = getattr(filters, name).strip()
        if value:
            households = households.filter(**{f"{name}__iexact": value})
    if filters.status != ALL_STATUSES:
        households = households.filter(status=filters.status or Household.Status.ACTIVE)
    if filters.q.strip():
        households = _search(households, filters.q)
    if filters.identifier_hash:
        households = _by_identifier(households, filters.identifier_hash)
    if filters.enrolment:
        enrolments = Enrolment.objects.filter(until__isnull=True)
        if filters.scheme:
            enrolments = enrolments.filter(scheme__code=filters.scheme)
        keys = enrolments.values("household_id")
        if filters.enrolment == ENROLLED:
            households = households.filter(pk__in=keys)
        else:
            households = households.exclude(pk__in=keys)
    elif filters.scheme:
        households = households.filter(
            pk__in=Enrolment.objects.filter(until__isnull=True, scheme__code=filters.scheme).values(
                "household_id"
            )
        )
    return households.order_by("village_id", "dusun", "rw", "rt", "pk")


def household_filter(
    *, user, filters: HouseholdFilters
) -> tuple[QuerySet[Household], dict[int, indicators.Poverty] | None]:
    """`household_search` plus the poverty filter. Returns the households and, when the
    poverty filter was applied, every matching household's status (else None)."""
    households = household_search(user=user, filters=filters)
    if not filters.poverty:
        return households, None
    statuses = indicators.poverty(indicators.household_table(households))
    wanted = (
        indicators.PovertyStatus.POOR_OR_SEVERE
        if filters.poverty == indicators.PovertyStatus.POOR
        else {filters.poverty}
    )
    keys = [pk for pk, item in statuses.items() if item.status in wanted]
    return households.filter(pk__in=keys), statuses


def with_members(households: QuerySet[Household]) -> QuerySet[Household]:
    """For list pages: the village, the present members and their count."""
    present = Person.objects.filter(status=Person.Status.PRESENT).order_by("pk")
    return (
        households.select_related("village")
        .annotate(member_count=Count("members", filter=Q(members__status=Person.Status.PRESENT)))
        .order_by("village_id", "dusun", "rw", "rt", "pk")
        .prefetch_related(Prefetch("members", queryset=present))
    )


def poverty_of(households) -> dict[int, indicators.Poverty]:
    """Statuses of a few households (a page of the list, one household's page)."""
    keys = [household.pk for household in households]
    return indicators.poverty(indicators.household_table(Household.objects.filter(pk__in=keys)))


def dusun_names(*, user, village_code: str | None = None) -> list[str]:
    households = households_visible_to(user)
    if village_code:
        households = households.filter(village_id=village_code)
    names = households.exclude(dusun="").values_list("dusun", flat=True).distinct()
    return sorted(set(names))


def schemes_for(organisation_ids) -> QuerySet[SocialProtectionScheme]:
    return SocialProtectionScheme.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=list(organisation_ids))
    ).order_by("name")


# -- one household, one person -----------------------------------------------------------------


def household_get(*, user, pk: int) -> Household:
    return get_visible_or_404(
        user,
        Household.objects.select_related(
            "village__district__regency__province", "organisation", "latest_survey"
        ).prefetch_related(Prefetch("members", queryset=Person.objects.order_by("pk"))),
        pk=pk,
    )


@dataclass
class HouseholdRecordView:
    """Everything the household page shows besides the household itself."""

    present: list[Person]
    former: list[Person]
    surveys: list[HouseholdSurvey]
    enrolments: list[Enrolment]
    consents: list[Consent]
    events: list[RegistryEvent]
    poverty: indicators.Poverty


def household_record(household: Household) -> HouseholdRecordView:
    """The members, surveys, enrolments, consents and history of a visible household."""
    members = list(household.members.all())
    return HouseholdRecordView(
        present=[m for m in members if m.status == Person.Status.PRESENT],
        former=[m for m in members if m.status != Person.Status.PRESENT],
        surveys=list(
            household.surveys.select_related("surveyed_by").order_by("-surveyed_on", "-pk")
        ),
        enrolments=list(
            household.enrolments.select_related("scheme", "person").order_by(
                "until", "scheme__name", "pk"
            )
        ),
        consents=list(household.consents.select_related("given_by", "recorded_by")),
        events=list(
            household.events.select_related("person", "recorded_by").order_by("-occurred_on", "-pk")
        ),
        poverty=poverty_of([household]).get(household.pk, indicators.UNKNOWN),
    )


def consent_get(*, user, pk: int) -> Consent:
    return get_visible_or_404(user, Consent.objects.select_related("household", "given_by"), pk=pk)


def person_get(*, user, pk: int) -> Person:
    return get_visible_or_404(
        user,
        Person.objects.select_related("household__village__district", "organisation"),
        pk=pk,
    )


def person_events(person: Person) -> QuerySet[RegistryEvent]:
    return person.events.select_related("recorded_by").order_by("-occurred_on", "-pk")


def person_accesses(person: Person) -> QuerySet[PersonalDataAccess]:
    """Who revealed, exported, corrected or erased this person's data (UU PDP account)."""
    return PersonalDataAccess.objects.filter(
        organisation_id=person.organisation_id, object_type="person", object_id=str(person.pk)
    ).select_related("user")


def move_villages(*, user, household: Household) -> QuerySet[Village]:
    """Villages a household can move to: those of its organisation the user works in."""
    codes = village_codes_for(user, personal=True, organisation_id=household.organisation_id)
    return Village.objects.filter(code__in=codes).order_by("name")


def merge_targets(*, user, household: Household) -> QuerySet[Household]:
    """Active households of the same organisation and village another can merge into."""
    return with_members(
        households_visible_to(user)
        .filter(
            organisation_id=household.organisation_id,
            village_id=household.village_id,
            status=Household.Status.ACTIVE,
        )
        .exclude(pk=household.pk)
    )


def programme_questions(*, organisation_id: int, village_code: str) -> list[CustomQuestion]:
    """The own questions of the organisation's programmes that cover the village, one per
    name (two programmes asking the same name share the answer; the older one's wording is
    shown). Configuration, not personal data: callers have checked the village already."""
    questions = CustomQuestion.objects.filter(
        programme__organisation_id=organisation_id, programme__villages=village_code
    ).order_by("programme_id", "position", "pk")
    unique: dict[str, CustomQuestion] = {}
    for question in questions:
        unique.setdefault(question.name, question)
    return list(unique.values())
