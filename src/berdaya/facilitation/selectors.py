"""Reads of accompaniment: activities and participation, through the access rule.

Participation is disaggregated by sex, age band, poverty status (from the
mapping registry) and disability, because the question is *whose* voices count.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Case, Count, IntegerField, Max, Prefetch, Q, QuerySet, Value, When

from berdaya.core.access import get_visible_or_404, village_codes_for, visible_to

from .models import Activity, AgeBand, Attendance

ROLES = ("spoke", "proposed", "decided", "facilitated")


def activities_visible_to(user) -> QuerySet[Activity]:
    return visible_to(user, Activity.objects.select_related("village", "programme"))


def activity_get(*, user, pk: int) -> Activity:
    return get_visible_or_404(
        user,
        Activity.objects.select_related("village", "programme", "group").prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("person__household")),
            "guests",
            "facilitators",
            "attachments",
        ),
        pk=pk,
    )


def years_old(birth: datetime.date | None, on: datetime.date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_band(birth: datetime.date | None, on: datetime.date) -> str | None:
    if birth is None:
        return None
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if age < 18:
        return AgeBand.CHILD
    if age < 30:
        return AgeBand.YOUTH
    if age < 60:
        return AgeBand.ADULT
    return AgeBand.ELDERLY


@dataclass
class Participation:
    """Head counts of who took part, and of who spoke, proposed, decided, facilitated."""

    total: int = 0
    registered: int = 0
    guests: int = 0
    by_sex: Counter = field(default_factory=Counter)
    by_age_band: Counter = field(default_factory=Counter)
    by_poverty: Counter = field(default_factory=Counter)  # registered persons only
    with_disability: int = 0
    # role -> Counter by sex, and role -> Counter by poverty status
    roles_by_sex: dict[str, Counter] = field(default_factory=lambda: {r: Counter() for r in ROLES})
    roles_by_poverty: dict[str, Counter] = field(
        default_factory=lambda: {r: Counter() for r in ROLES}
    )

    def share(self, part: int) -> Fraction | None:
        return Fraction(part, self.total) if self.total else None


def _poverty_of(household_ids: set[int]) -> dict[int, str]:
    """Stored MPI statuses (`registry.figures`), computed when each household last changed."""
    from berdaya.registry.selectors import stored_poverty

    return {pk: p.status for pk, p in stored_poverty(household_ids).items()}


def participation(activities: list[Activity]) -> Participation:
    """Figures over `activities` (already visible to the user), counting attendances."""
    result = Participation()
    rows = list(
        Attendance.objects.filter(activity__in=[a.pk for a in activities]).select_related(
            "person", "activity"
        )
    )
    poverty = _poverty_of({row.person.household_id for row in rows})
    for row in rows:
        person = row.person
        result.registered += 1
        result.by_sex[person.sex] += 1
        result.by_age_band[age_band(person.birth_date, row.activity.held_on) or "unknown"] += 1
        status = poverty.get(person.household_id, "unknown")
        result.by_poverty[status] += 1
        if person.disabilities:
            result.with_disability += 1
        for role in ROLES:
            if getattr(row, role):
                result.roles_by_sex[role][person.sex] += 1
                result.roles_by_poverty[role][status] += 1
    for activity in activities:
        for guest in activity.guests.all():
            result.guests += guest.count
            result.by_sex[guest.sex] += guest.count
            result.by_age_band[guest.age_band] += guest.count
    result.total = result.registered + result.guests
    return result


@dataclass(frozen=True)
class EliteCapture:
    """Whether a few dominate: shares of proposals and decisions (exact fractions).

    `top_speakers_share`: of all proposals and decisions, the share made by the
    top 10% of participants by number of times they spoke. `non_poor_share` vs
    `non_poor_population_share`: whether the non-poor decide more than their
    share of the village's households would suggest.
    """

    voices: int
    top_speakers_share: Fraction | None
    non_poor_share: Fraction | None
    non_poor_population_share: Fraction | None
    flagged: bool


TOP_SHARE_ALERT = Fraction(1, 2)  # a tenth of the people make half the proposals/decisions
OVER_REPRESENTATION_ALERT = Fraction(3, 2)  # the non-poor decide 1.5× their population share


def elite_capture(activities: list[Activity], *, population: dict[str, int]) -> EliteCapture:
    """`population`: the villages' households per poverty status (stored figures,
    `registry.selectors.village_poverty_counts`)."""
    # Only the columns counted: no person row (nor its encrypted NIK) is loaded.
    rows = list(
        Attendance.objects.filter(activity__in=[a.pk for a in activities]).values_list(
            "person_id", "spoke", "proposed", "decided", "person__household_id"
        )
    )
    spoke = Counter()
    voices = Counter()
    for person_id, spoke_, proposed, decided, _household in rows:
        spoke[person_id] += int(spoke_)
        voices[person_id] += int(proposed) + int(decided)
    total_voices = sum(voices.values())
    if not total_voices:
        return EliteCapture(0, None, None, None, False)
    ranked = sorted(spoke, key=lambda pk: (-spoke[pk], pk))
    top = ranked[: max(1, len(ranked) // 10)]
    top_share = Fraction(sum(voices[pk] for pk in top), total_voices)
    households = {person_id: household for person_id, *_flags, household in rows}
    poverty = _poverty_of(set(households.values()))
    known = {pk: poverty.get(households[pk]) for pk in voices}
    non_poor_voices = sum(v for pk, v in voices.items() if known[pk] == "not_poor")
    non_poor_share = Fraction(non_poor_voices, total_voices)
    known_population = sum(n for status, n in population.items() if status != "unknown")
    population_share = (
        Fraction(population.get("not_poor", 0), known_population) if known_population else None
    )
    over = (
        population_share is not None
        and population_share > 0
        and non_poor_share >= OVER_REPRESENTATION_ALERT * population_share
    )
    return EliteCapture(
        total_voices,
        top_share,
        non_poor_share,
        population_share,
        flagged=top_share >= TOP_SHARE_ALERT or over,
    )


def community_initiative_share(activities: list[Activity]) -> Fraction | None:
    """Share of activities the community itself (a member or a group) initiated."""
    if not activities:
        return None
    own = sum(
        1
        for a in activities
        if a.initiated_by in (Activity.Initiator.COMMUNITY, Activity.Initiator.GROUP)
    )
    return Fraction(own, len(activities))


def poverty_statuses(household_ids: set[int]) -> dict[int, str]:
    """Each household's poverty status (severe, poor, vulnerable, not_poor, unknown)."""
    return _poverty_of(household_ids)


# -- lists and pickers -------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFilters:
    programme_id: int | None = None
    village: str = ""
    kind: str = ""
    stage: str = ""
    strategy: str = ""
    initiated_by: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None


def activity_search(*, user, filters: ActivityFilters) -> QuerySet[Activity]:
    activities = activities_visible_to(user)
    if filters.programme_id:
        activities = activities.filter(programme_id=filters.programme_id)
    for name in ("village", "kind", "stage", "initiated_by"):
        value = getattr(filters, name)
        if value:
            activities = activities.filter(**{f"{name}_id" if name == "village" else name: value})
    if filters.strategy:
        # A JSON list of codes; a quoted code matches one element exactly (no code is part
        # of another). Works the same on SQLite and PostgreSQL.
        activities = activities.filter(strategies__icontains=f'"{filters.strategy}"')
    if filters.start:
        activities = activities.filter(held_on__gte=filters.start)
    if filters.end:
        activities = activities.filter(held_on__lte=filters.end)
    return activities.annotate(
        people=Count("attendance", distinct=True), guest_lines=Count("guests", distinct=True)
    ).order_by("-held_on", "-pk")


def recording_villages(*, user, programme) -> QuerySet:
    """Villages of `programme` where `user` may record activities (personal data)."""
    from berdaya.programmes.selectors import programme_villages

    codes = village_codes_for(user, personal=True, organisation_id=programme.organisation_id)
    return programme_villages(user=user, programme=programme).filter(code__in=codes)


def facilitator_choices(*, organisation_id: int) -> QuerySet:
    """Staff of the organisation who can run an activity (not viewers)."""
    from berdaya.core.models import User
    from berdaya.organisations.models import Role

    return (
        User.objects.filter(
            memberships__organisation_id=organisation_id, memberships__is_active=True
        )
        .exclude(memberships__role=Role.VIEWER)
        .order_by("full_name", "username")
        .distinct()
    )


def person_search(*, user, village_code: str, text: str, organisation_id: int | None = None):
    """People living in a village the user works in whose name matches `text` (every word
    typed starts a word of the name; exact and prefix matches first), on the name index."""
    from berdaya.registry.selectors import person_name_search

    if len(text.strip()) < 2:
        return []
    return person_name_search(
        user=user,
        text=text,
        village_code=village_code,
        organisation_id=organisation_id,
        limit=15,
    )


MIN_SEARCH = 2


def rank_name_matches(persons: QuerySet, text: str) -> QuerySet:
    """`persons` whose name holds every word typed, ranked: the whole name exactly, then
    names that start with what was typed, then names with a word that starts with it, then
    the rest; alphabetically within each rank.

    One small function on purpose: where the registry has an indexed name search (for a
    million persons), narrow `persons` with it first and keep this order.
    """
    text = " ".join(text.split())
    if len(text) < MIN_SEARCH:
        return persons.none()
    for word in text.split(" "):
        persons = persons.filter(name__icontains=word)
    rank = Case(
        When(name__iexact=text, then=Value(0)),
        When(name__istartswith=text, then=Value(1)),
        When(name__icontains=f" {text}", then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return persons.annotate(match_rank=rank).order_by("match_rank", "name", "pk")


def person_for(*, user, pk, organisation_id: int):
    """A person the user may see, or None (a picked id from another village or nowhere)."""
    from berdaya.registry.models import Person

    if pk is None:
        return None
    return (
        visible_to(user, Person.objects.select_related("household"))
        .filter(organisation_id=organisation_id, pk=pk)
        .first()
    )


# -- over time ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodFigures:
    """Participation in one month or quarter (shares as exact fractions, None if no data)."""

    start: datetime.date
    activities: int
    attendances: int  # registered persons' attendances plus guests
    persons: int  # distinct registered persons who came
    women_share: Fraction | None
    poor_share: Fraction | None  # of registered attendances with a known poverty status
    community_share: Fraction | None  # of activities the community or a group initiated


POOR = {"severe", "poor"}


def _period_start(day: datetime.date, period: str) -> datetime.date:
    if period == "quarter":
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day.replace(day=1)


def participation_over_time(activities: list[Activity], *, period: str) -> list[PeriodFigures]:
    """Figures per month or quarter over `activities` (already visible to the user)."""
    starts = {a.pk: _period_start(a.held_on, period) for a in activities}
    rows = list(
        Attendance.objects.filter(activity__in=list(starts)).values_list(
            "activity_id", "person_id", "person__sex", "person__household_id"
        )
    )
    poverty = _poverty_of({household for *_rest, household in rows})
    attendances, women, poor, known = Counter(), Counter(), Counter(), Counter()
    persons: dict[datetime.date, set[int]] = {}
    for activity_id, person_id, sex, household_id in rows:
        start = starts[activity_id]
        attendances[start] += 1
        women[start] += sex == "P"
        persons.setdefault(start, set()).add(person_id)
        status = poverty.get(household_id, "unknown")
        if status != "unknown":
            known[start] += 1
            poor[start] += status in POOR
    from .models import GuestCount

    for activity_id, sex, count in GuestCount.objects.filter(activity__in=list(starts)).values_list(
        "activity_id", "sex", "count"
    ):
        attendances[starts[activity_id]] += count
        women[starts[activity_id]] += count if sex == "P" else 0
    held, own = Counter(), Counter()
    for activity in activities:
        held[starts[activity.pk]] += 1
        own[starts[activity.pk]] += activity.initiated_by in (
            Activity.Initiator.COMMUNITY,
            Activity.Initiator.GROUP,
        )

    def share(part: int, whole: int) -> Fraction | None:
        return Fraction(part, whole) if whole else None

    return [
        PeriodFigures(
            start=start,
            activities=held[start],
            attendances=attendances[start],
            persons=len(persons.get(start, ())),
            women_share=share(women[start], attendances[start]),
            poor_share=share(poor[start], known[start]),
            community_share=share(own[start], held[start]),
        )
        for start in sorted(held)
    ]


def people_reached(activities: list[Activity]) -> int:
    """How many different registered persons attended any of `activities`."""
    return (
        Attendance.objects.filter(activity__in=[a.pk for a in activities])
        .values("person_id")
        .distinct()
        .count()
    )


# -- the facilitator's own page ----------------------------------------------------------------

ASSESSMENT_INTERVAL_DAYS = 180  # a group is due for a maturity assessment every six months
FOLLOW_UP_DAYS = 30  # recent activities without anyone recorded as present


@dataclass
class MyWork:
    villages: list
    upcoming: list[Activity]
    unrecorded: list[Activity]
    overdue_tasks: list
    groups_due: list


def my_work(*, user, today: datetime.date) -> MyWork:
    from berdaya.areas.models import Village
    from berdaya.groups.models import Group
    from berdaya.planning.models import ActionTask

    mine = activities_visible_to(user).filter(facilitators=user)
    upcoming = mine.filter(held_on__gte=today).order_by("held_on", "pk")[:10]
    unrecorded = (
        mine.filter(held_on__lt=today, held_on__gte=today - datetime.timedelta(FOLLOW_UP_DAYS))
        .annotate(people=Count("attendance"), guest_lines=Count("guests"))
        .filter(people=0, guest_lines=0)
        .order_by("-held_on")[:10]
    )
    overdue = (
        visible_to(user, ActionTask.objects.all())
        .filter(status__in=[ActionTask.Status.PLANNED, ActionTask.Status.DOING], due_on__lt=today)
        .select_related("owner", "solution__problem__cycle__village")
        .order_by("due_on", "pk")[:20]
    )
    last_due = today - datetime.timedelta(ASSESSMENT_INTERVAL_DAYS)
    groups = (
        visible_to(user, Group.objects.filter(is_active=True))
        .select_related("village")
        .annotate(last_assessed=Max("assessments__assessed_on"))
        .filter(Q(last_assessed__isnull=True) | Q(last_assessed__lt=last_due))
        .order_by("last_assessed", "name")[:20]
    )
    villages = Village.objects.filter(code__in=village_codes_for(user, personal=True)).order_by(
        "name"
    )
    return MyWork(list(villages), list(upcoming), list(unrecorded), list(overdue), list(groups))


# -- ticking who came --------------------------------------------------------------------------

ROLL_GROUP, ROLL_PREVIOUS, ROLL_PLACE = "group", "previous", "place"


@dataclass
class Roll:
    """People to tick for an activity: who they are, and who is ticked to begin with."""

    source: str
    people: list
    ticked: set[int]
    previous: Activity | None = None


def previous_meeting(activity: Activity) -> Activity | None:
    """The latest earlier activity of the same programme and village with attendance; of
    the same group when the activity is a group's."""
    earlier = (
        Activity.objects.filter(
            programme_id=activity.programme_id,
            village_id=activity.village_id,
            held_on__lte=activity.held_on,
            attendance__isnull=False,
        )
        .exclude(pk=activity.pk)
        .exclude(held_on=activity.held_on, pk__gt=activity.pk)
        .distinct()
        .order_by("-held_on", "-pk")
    )
    if activity.group_id:
        earlier = earlier.filter(group_id=activity.group_id)
    return earlier.first()


def roll_for(*, user, activity: Activity, source: str, dusun: str = "", rt: str = "") -> Roll:
    """The people of `source` a facilitator ticks: the group's members on the day (ticked),
    those who came to the previous meeting (ticked), or everyone of a dusun/RT (not ticked).
    People already recorded are ticked in every case."""
    from berdaya.registry.models import Person

    people = visible_to(user, Person.objects.select_related("household")).filter(
        organisation_id=activity.organisation_id,
        household__village_id=activity.village_id,
        status=Person.Status.PRESENT,
    )
    came = set(activity.attendance.values_list("person_id", flat=True))
    previous = None
    if source == ROLL_GROUP and activity.group_id:
        from berdaya.groups.models import GroupMember

        day = activity.held_on
        members = GroupMember.objects.filter(
            Q(left_on__isnull=True) | Q(left_on__gte=day),
            group_id=activity.group_id,
            joined_on__lte=day,
        )
        people = people.filter(pk__in=members.values("person_id"))
        preticked = True
    elif source == ROLL_PREVIOUS:
        previous = previous_meeting(activity)
        people = people.filter(attendance__activity=previous) if previous else people.none()
        preticked = True
    elif source == ROLL_PLACE and dusun:
        people = people.filter(household__dusun=dusun)
        if rt:
            people = people.filter(household__rt=rt)
        preticked = False
    else:
        return Roll(source=source, people=[], ticked=came)
    listed = list(people.distinct().order_by("household__rt", "household_id", "name", "pk"))
    ticked = came | ({p.pk for p in listed} if preticked else set())
    return Roll(source=source, people=listed, ticked=ticked, previous=previous)


def people_of_activity_village(*, user, activity: Activity, ids) -> dict:
    """Persons by id, of those `ids` the user may see in the activity's village."""
    from berdaya.registry.models import Person

    found = visible_to(user, Person.objects.select_related("household")).filter(
        organisation_id=activity.organisation_id,
        household__village_id=activity.village_id,
        pk__in=list(ids),
    )
    return {person.pk: person for person in found}
