"""Reads of the registry, always through the access rule.

Two kinds of scope:

* rows (`households_visible_to`, `persons_visible_to`, `household_get`, ...): personal
  data, for facilitators, managers and administrators of the village;
* figures (`households_for_figures`, `persons_for_figures`): the same rows for counting
  and grouping only, also for viewers, who may see aggregates but never a row. Code that
  takes these querysets returns numbers, never names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from berdaya.areas.models import Village
from berdaya.core import crypto
from berdaya.core.access import (
    get_visible_or_404,
    grants_for,
    organisation_ids_for,
    village_codes_for,
    visible_to,
)
from berdaya.core.models import PersonalDataAccess

from . import figures, indicators, search
from .models import (
    Consent,
    CustomQuestion,
    Enrolment,
    Household,
    HouseholdFigures,
    HouseholdSurvey,
    ImportJob,
    Person,
    RegistryEvent,
    SocialProtectionScheme,
    VillageRegistryFigures,
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


# A name search looks at this many matching persons at most (the first on the name index):
# "sri" matches tens of thousands in a district; the page then asks for more of the name.
NAME_MATCH_LIMIT = 1_000


def _name_matches(user, filters: HouseholdFilters) -> QuerySet[Person]:
    """Persons the user may see, in the list's organisation and village, named like `q`."""
    persons = persons_visible_to(user).filter(search.name_matches(filters.q))
    if filters.organisation_id:
        persons = persons.filter(organisation_id=filters.organisation_id)
    if filters.village:
        persons = persons.filter(household__village_id=filters.village)
    return persons.order_by()


def _search(user, households: QuerySet[Household], filters: HouseholdFilters):
    digits = identifier_searched(filters.q)
    if digits:
        return _by_identifier(households, crypto.blind_index(digits))
    return households.filter(pk__in=_named_households(user, filters)[:NAME_MATCH_LIMIT])


def _named_households(user, filters: HouseholdFilters) -> list[int]:
    """Households of the first NAME_MATCH_LIMIT + 1 persons named like `q` (one query that
    the name index drives and the limit stops)."""
    if connection.vendor == "sqlite":
        scopes = {}
        for organisation_id in organisation_ids_for(user):
            if filters.organisation_id and organisation_id != filters.organisation_id:
                continue
            codes = village_codes_for(user, personal=True, organisation_id=organisation_id)
            scopes[organisation_id] = codes & {filters.village} if filters.village else codes
        return search.households_named_sqlite(filters.q, scopes=scopes, limit=NAME_MATCH_LIMIT + 1)
    persons = _name_matches(user, filters).values_list("household_id", flat=True)
    return list(persons[: NAME_MATCH_LIMIT + 1])


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
        households = _search(user, households, filters)
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
    """`household_search` plus the poverty filter, on the stored status (`HouseholdFigures`).
    Returns the households and None (kept for callers that took the statuses from here)."""
    households = household_search(user=user, filters=filters)
    if not filters.poverty:
        return households, None
    wanted = (
        indicators.PovertyStatus.POOR_OR_SEVERE
        if filters.poverty == indicators.PovertyStatus.POOR
        else {filters.poverty}
    )
    return households.filter(figures__poverty_status__in=sorted(wanted)), None


# The household list's order, which the index `household_list_order` follows.
LIST_ORDER = ("village_id", "dusun", "rw", "rt", "pk")


def with_members(households: QuerySet[Household]) -> QuerySet[Household]:
    """For list pages: the village, the present members and their count (stored). Identifiers
    are not read (nor decrypted): a list never shows them."""
    present = (
        Person.objects.filter(status=Person.Status.PRESENT)
        .only("pk", "household_id", "name", "relation", "status")
        .order_by("pk")
    )
    return (
        households.defer("kk")
        .select_related("village", "figures")
        .annotate(member_count=F("figures__members"))
        .order_by(*LIST_ORDER)
        .prefetch_related(Prefetch("members", queryset=present))
    )


def _chunks(keys: list, size: int = 10_000):
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def stored_poverty(household_ids: Iterable[int]) -> dict[int, indicators.Poverty]:
    """Each household's MPI status as stored by `registry.figures` (computed by
    `berdaya.analysis` when the household last changed). Households without stored
    figures are UNKNOWN."""
    keys = sorted(set(household_ids))
    result = dict.fromkeys(keys, indicators.UNKNOWN)
    for part in _chunks(keys):
        for pk, status, score, deprived in HouseholdFigures.objects.filter(
            household_id__in=part
        ).values_list("household_id", "poverty_status", "poverty_score", "deprived"):
            result[pk] = _poverty(status, score, deprived)
    return result


def poverty_counts(households: QuerySet[Household]) -> dict[str, int]:
    """Households of `households` per stored MPI status (one grouped, indexed count)."""
    counts = dict(
        HouseholdFigures.objects.filter(household__in=households.order_by().values("pk"))
        .order_by()
        .values_list("poverty_status")
        .annotate(n=Count("pk"))
        .values_list("poverty_status", "n")
    )
    return counts


def village_poverty_counts(*, organisation_id: int, codes) -> dict[str, int]:
    """Active households of the villages per MPI status, from the stored village figures."""
    counts: dict[str, int] = {}
    for row in figures.village_rows(organisation_id=organisation_id, codes=codes):
        mpi = row.figures.get("mpi", {})
        for status, n in mpi.get("by_status", {}).items():
            counts[status] = counts.get(status, 0) + n
        counts["unknown"] = counts.get("unknown", 0) + mpi.get("unknown", 0)
    return counts


def _poverty(status: str, score: float | None, deprived: str) -> indicators.Poverty:
    if status == indicators.PovertyStatus.UNKNOWN:
        return indicators.UNKNOWN
    return indicators.Poverty(status, score, tuple(deprived.split()))


def poverty_of(households) -> dict[int, indicators.Poverty]:
    """Statuses of a few households (a page of the list, one household's page)."""
    result = {}
    missing = []
    for household in households:
        stored = household._state.fields_cache.get("figures")  # select_related("figures")
        if stored is not None:
            result[household.pk] = _poverty(
                stored.poverty_status, stored.poverty_score, stored.deprived
            )
        else:
            missing.append(household.pk)
    result.update(stored_poverty(missing))
    return result


# -- the list, page by page --------------------------------------------------------------------

# Lists show at most this many rows, page by page (an offset into an index, never deeper):
# past it, the page asks for a narrower filter. The count stops there too, unless the exact
# number is stored (the village's figures, for the unfiltered list).
LIST_LIMIT = 1_000


class BoundedPaginator(Paginator):
    """A paginator over at most `limit` rows: counting and paging never scan past them."""

    def __init__(self, object_list, per_page, *, limit: int | None = None, counted=None):
        super().__init__(object_list, per_page)
        self.limit = LIST_LIMIT if limit is None else limit
        # What is counted: the rows without the joins that only decorate them.
        self.counted = object_list if counted is None else counted

    def known_count(self, total: int) -> None:
        """The exact number of rows is known (stored figures): no count query is needed."""
        self._bounded_count = min(total, self.limit + 1)

    @property
    def count(self) -> int:
        if not hasattr(self, "_bounded_count"):
            counted = self.counted[: self.limit + 1]
            self._bounded_count = len(counted) if isinstance(counted, list) else counted.count()
        return min(self._bounded_count, self.limit)

    @property
    def limited(self) -> bool:
        """Whether more rows match than are listed."""
        self.count  # noqa: B018  (counts once)
        return self._bounded_count > self.limit


@dataclass(frozen=True)
class ListedHousehold:
    """One row of the household list: what it shows, read with the page's one query."""

    pk: int
    name: str
    village: str
    dusun: str
    rw: str
    rt: str
    members: int
    status: str
    poverty: indicators.Poverty

    @property
    def status_label(self) -> str:
        return str(Household.Status(self.status).label)


# The household list's columns: the household's own, its village's name and its stored
# figures (the head's name and member count included), so a page needs no members query.
_LISTED = (
    "pk",
    "village__name",
    "dusun",
    "rw",
    "rt",
    "status",
    "figures__head_name",
    "figures__members",
    "figures__poverty_status",
    "figures__poverty_score",
    "figures__deprived",
)


def _listed(values) -> ListedHousehold:
    pk, village, dusun, rw, rt, status, head, members, poverty, score, deprived = values
    return ListedHousehold(
        pk=pk,
        name=head or _("Household %(pk)s") % {"pk": pk},
        village=village,
        dusun=dusun,
        rw=rw,
        rt=rt,
        members=members or 0,
        status=status,
        poverty=indicators.UNKNOWN if poverty is None else _poverty(poverty, score, deprived),
    )


@dataclass
class HouseholdPage:
    page: Page
    rows: list[ListedHousehold]
    total: int | None  # every matching household, when known exactly
    limited: bool  # more match than the list shows
    many_names: bool = False  # the name searched for matches more persons than are looked at


def _unfiltered(filters: HouseholdFilters) -> bool:
    return not any(
        (
            filters.q.strip(),
            filters.dusun.strip(),
            filters.rw.strip(),
            filters.rt.strip(),
            filters.poverty,
            filters.scheme,
            filters.enrolment,
            filters.identifier_hash,
        )
    ) and filters.status in ("", Household.Status.ACTIVE)


def _stored_total(user, filters: HouseholdFilters) -> int | None:
    """Active households of the list's villages, from the stored village figures."""
    if not filters.organisation_id or not _unfiltered(filters):
        return None
    codes = village_codes_for(user, personal=True, organisation_id=filters.organisation_id)
    if filters.village:
        codes = codes & {filters.village}
    rows = figures.village_rows(organisation_id=filters.organisation_id, codes=codes)
    if len(rows) != len(codes) or any(row.stale for row in rows):
        return None
    return sum(row.households for row in rows)


def household_page(*, user, filters: HouseholdFilters, number, per_page: int) -> HouseholdPage:
    """One page of the household list with each household's stored poverty status."""
    if filters.q.strip() and not identifier_searched(filters.q):
        named = _named_households(user, filters)
        households, _statuses = household_filter(user=user, filters=replace(filters, q=""))
        households = households.filter(pk__in=named[:NAME_MATCH_LIMIT])
        page = _named_page(households, number=number, per_page=per_page)
        limited = page.paginator.limited
        return HouseholdPage(
            page,
            page.object_list,
            None if limited else page.paginator.count,
            limited,
            many_names=len(named) > NAME_MATCH_LIMIT,
        )
    households, _statuses = household_filter(user=user, filters=filters)
    paginator = BoundedPaginator(
        households.order_by(*LIST_ORDER).values_list(*_LISTED),
        per_page,
        limit=LIST_LIMIT,
        counted=households.order_by(),
    )
    stored = _stored_total(user, filters)
    if stored is not None:
        paginator.known_count(stored)
    page = paginator.get_page(number)
    page.object_list = [_listed(values) for values in page.object_list]
    total = stored if paginator.limited else paginator.count
    return HouseholdPage(page, page.object_list, total, paginator.limited)


def _named_page(households: QuerySet[Household], *, number, per_page: int) -> Page:
    """A page of a name search's households (a thousand keys at most), put in the list's
    order here: in its order, the list's index would walk a whole village to find them."""
    keys = sorted(households.order_by().values_list(*LIST_ORDER))
    paginator = BoundedPaginator([key[-1] for key in keys], per_page, limit=LIST_LIMIT)
    page = paginator.get_page(number)
    rows = {
        values[0]: _listed(values)
        for values in Household.objects.filter(pk__in=page.object_list).values_list(*_LISTED)
    }
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


# -- persons by name ---------------------------------------------------------------------------


def person_name_search(
    *,
    user,
    text: str,
    village_code: str | None = None,
    organisation_id: int | None = None,
    present_only: bool = True,
    limit: int = 20,
) -> list[Person]:
    """Persons the user may see whose name matches `text` (every word typed starts a word of
    the name), on the name index. Ranked: the exact full name first, then names that start
    with what was typed, then the others, each by name. For pickers (attendance, members)."""
    typed = " ".join(search.words(text))
    if not typed:
        return []
    persons = persons_visible_to(user).filter(search.name_matches(text))
    if village_code:
        persons = persons.filter(household__village_id=village_code)
    if organisation_id:
        persons = persons.filter(organisation_id=organisation_id)
    if present_only:
        persons = persons.filter(status=Person.Status.PRESENT)
    lowered = Lower("name")
    rank = Case(
        When(Q(name__iexact=typed), then=Value(0)),
        When(Q(name__istartswith=typed), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        persons.select_related("household__village")
        .annotate(rank=rank, lowered=lowered)
        .order_by("rank", "lowered", "pk")[:limit]
    )


def dusun_names(*, user, village_code: str | None = None) -> list[str]:
    """Hamlets of the user's villages, from the stored village figures (active households);
    counted from the registry for a village without them yet."""
    codes = village_codes_for(user, personal=True)
    if village_code:
        codes = codes & {village_code}
    names: set[str] = set()
    for organisation_id in organisation_ids_for(user):
        mine = codes & village_codes_for(user, personal=True, organisation_id=organisation_id)
        rows = {
            row.village_id: row
            for row in VillageRegistryFigures.objects.filter(
                organisation_id=organisation_id, village_id__in=sorted(mine)
            ).only("village_id", "figures", "stale")
        }
        for code in mine:
            row = rows.get(code)
            # A stale row may lack a hamlet just registered: ask the registry then.
            stored = row.figures.get("dusun") if row is not None and not row.stale else None
            if stored is None:
                stored = (
                    Household.objects.filter(organisation_id=organisation_id, village_id=code)
                    .exclude(dusun="")
                    .order_by()
                    .values_list("dusun", flat=True)
                    .distinct()
                )
            names.update(stored)
    return sorted(names)


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
        poverty=stored_poverty([household.pk])[household.pk],
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


# --- imports ---------------------------------------------------------------------------


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """Imports `user` may see: of their organisation, and only when every village the job
    may write (for a programme's job, the villages it wrote once done) is one where they
    see personal data — its report names rows of all of them."""
    through = ImportJob.villages.through
    condition = Q(pk__in=[])
    for grant in grants_for(user):
        if not grant.personal:
            continue
        outside = through.objects.exclude(village_id__in=grant.village_codes)
        condition |= Q(organisation_id=grant.organisation_id) & ~Q(
            pk__in=outside.values("importjob_id")
        )
    return visible_to(user, ImportJob.objects.filter(condition)).select_related(
        "village", "programme", "organisation", "created_by"
    )


def import_job_get(*, user, pk: int) -> ImportJob:
    return get_visible_or_404(user, import_jobs_visible_to(user), pk=pk)
