"""The household table: one row per household, the columns the analysis library reads.

`household_table` turns registry rows (present members, the latest survey, open
enrolments) into the household-level columns of `berdaya.analysis.poverty.GLOBAL_MPI`
plus a few the village profile uses (vulnerabilities, capitals). `poverty` then runs
the Alkire–Foster method of `berdaya.analysis` on it: each household's deprivation
score and status (severely poor, poor, vulnerable, not poor).

The global MPI's indicators, as Berdaya reads them from the mapping survey:

=====================  ==========================================================
nutrition              a present member is recorded as undernourished
child mortality        a child died in the last five years (survey)
years of schooling     no member aged 10 or more has six years of schooling
school attendance      a child aged 7–15 does not attend school
cooking fuel           firewood or charcoal
sanitation             anything but an own or shared toilet
drinking water         unprotected well or spring, surface water, a water vendor,
                       or 30 minutes or more to fetch it (round trip)
electricity            none
housing                earth, bamboo or low-quality wood floor; thatch roof; or
                       bamboo walls
assets                 owns at most one of radio, TV, phone, computer, bicycle,
                       motorcycle, refrigerator, animal cart, and no car
=====================  ==========================================================

Income poverty and inequality read ``monthly_expenditure`` (the latest survey's monthly
spending, whole Rupiah) and ``expenditure_per_capita`` (that divided by the present
members, as BPS measures welfare); ``dusun`` groups the Gini's decomposition.

Scoping: the functions take a queryset of households that already went through the
access rule (`selectors.households_visible_to` for rows, `selectors.households_for_figures`
for aggregates); `household_table_for` does that for a user.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import choices
from .models import Enrolment, Household, HouseholdSurvey, Person

SCHOOLING_AGE = 10
SCHOOLING_YEARS = 6
SCHOOL_AGES = (7, 15)
WATER_MINUTES = 30
UNSAFE_WATER = {"unprotected_well", "unprotected_spring", "surface", "vendor"}
IMPROVED_SANITATION = {"private", "shared"}
POOR_FLOORS = {"earth", "bamboo", "low_wood"}
POOR_ROOFS = {"thatch"}
POOR_WALLS = {"bamboo"}
SMALL_ASSETS = {"radio", "tv", "phone", "computer", "bicycle", "motorcycle", "fridge", "cart"}
SOLID_FUELS = {"wood", "charcoal"}
ELDERLY_AGE = 60
ADULT_AGE = 18

# What the global MPI spec reads (berdaya.analysis.poverty.GLOBAL_MPI.columns).
MPI_COLUMNS = (
    "undernourished_member",
    "child_death_5y",
    "max_years_schooling",
    "children_out_of_school",
    "cooking_fuel",
    "improved_sanitation",
    "safe_drinking_water",
    "has_electricity",
    "adequate_housing",
    "small_assets",
    "owns_car",
)

INDICATOR_LABELS = {
    "nutrition": _("Nutrition"),
    "child_mortality": _("Child mortality"),
    "years_of_schooling": _("Years of schooling"),
    "school_attendance": _("School attendance"),
    "cooking_fuel": _("Cooking fuel"),
    "sanitation": _("Sanitation"),
    "drinking_water": _("Drinking water"),
    "electricity": _("Electricity"),
    "housing": _("Housing"),
    "assets": _("Assets"),
}


class PovertyStatus:
    """A household's status by its deprivation score (global MPI: poor from 1/3)."""

    SEVERE = "severe"
    POOR = "poor"
    VULNERABLE = "vulnerable"
    NOT_POOR = "not_poor"
    UNKNOWN = "unknown"

    choices = (
        (SEVERE, _("Severely poor")),
        (POOR, _("Poor")),
        (VULNERABLE, _("Vulnerable")),
        (NOT_POOR, _("Not poor")),
        (UNKNOWN, _("Not known (survey missing)")),
    )
    labels = dict(choices)
    # "poor" in a filter includes the severely poor (severe poverty is a part of poverty).
    POOR_OR_SEVERE = {SEVERE, POOR}


@dataclass(frozen=True)
class Poverty:
    status: str
    score: float | None  # 0–1, the weighted share of indicators the household is deprived in
    deprived: tuple[str, ...] = ()  # indicator names

    @property
    def label(self) -> str:
        return str(PovertyStatus.labels[self.status])

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)

    @property
    def is_poor(self) -> bool:
        return self.status in PovertyStatus.POOR_OR_SEVERE

    def deprived_labels(self) -> list[str]:
        return [str(INDICATOR_LABELS.get(name, name)) for name in self.deprived]


UNKNOWN = Poverty(PovertyStatus.UNKNOWN, None)


def age_on(birth: datetime.date | None, today: datetime.date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


ADULT_RELATIONS = {Person.Relation.HEAD, Person.Relation.SPOUSE, Person.Relation.PARENT}


def household_table(
    households: QuerySet[Household],
    *,
    today: datetime.date | None = None,
    surveys: dict[int, int] | None = None,
) -> pd.DataFrame:
    """One row per household of `households` (already scoped), with the columns above.

    Nulls mean "not known": no survey yet, or a question the survey did not ask. The
    survey read is each household's latest, or with `surveys` (household → survey id) the
    one named there (a survey round's, `registry.rounds`).
    """
    today = today or timezone.localdate()
    keys = households.order_by().values("pk")
    rows = list(
        Household.objects.filter(pk__in=keys)
        .order_by("pk")
        .values_list("pk", "village_id", "organisation_id", "latest_survey_id", "dusun")
    )
    if surveys is not None:
        rows = [(pk, code, org, surveys.get(pk), dusun) for pk, code, org, _s, dusun in rows]
    members: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Person.objects.filter(household_id__in=keys, status=Person.Status.PRESENT)
        .order_by("household_id", "pk")
        .values_list(
            "household_id",
            "sex",
            "birth_date",
            "relation",
            "education",
            "attending_school",
            "undernourished",
            "chronic_illness",
            "disabilities",
        )
    ):
        members[row[0]].append(row[1:])
    surveys = {
        s["pk"]: s
        for s in HouseholdSurvey.objects.filter(
            pk__in=[r[3] for r in rows if r[3] is not None]
        ).values(
            "pk",
            "surveyed_on",
            "floor",
            "wall",
            "roof",
            "water",
            "water_minutes",
            "sanitation",
            "electricity",
            "cooking_fuel",
            "assets",
            "land_m2",
            "cattle",
            "goats",
            "poultry",
            "income_band",
            "monthly_expenditure",
            "has_savings",
            "has_debt",
            "child_deaths_5y",
            "disasters",
        )
    }
    enrolled: dict[int, set[str]] = defaultdict(set)
    for household_id, code in Enrolment.objects.filter(
        household_id__in=keys, until__isnull=True
    ).values_list("household_id", "scheme__code"):
        enrolled[household_id].add(code)
    records = []
    for pk, village_code, organisation_id, survey_id, dusun in rows:
        record = {"household_id": pk, "village_code": village_code}
        record["organisation_id"] = organisation_id
        record["dusun"] = dusun
        record.update(_from_members(members.get(pk, []), today))
        record.update(_from_survey(surveys.get(survey_id)))
        record["expenditure_per_capita"] = _per_capita(
            record.get("monthly_expenditure"), record["household_size"]
        )
        record["schemes"] = " ".join(sorted(enrolled.get(pk, ())))
        records.append(record)
    return _typed(pd.DataFrame.from_records(records, columns=list(_COLUMN_TYPES)))


def _from_members(members: list[tuple], today: datetime.date) -> dict:
    undernourished = False
    best_years: int | None = None
    out_of_school = 0
    head_sex = head_age = None
    counts = defaultdict(int)
    disability = False
    for sex, birth, relation, education, attending, thin, chronic, difficulties in members:
        age = age_on(birth, today)
        if thin:
            undernourished = True
        adult_enough = (age is not None and age >= SCHOOLING_AGE) or (
            age is None and relation in ADULT_RELATIONS
        )
        if adult_enough and education:
            years = choices.EDUCATION_YEARS.get(education)
            if years is not None and (best_years is None or years > best_years):
                best_years = years
        if age is not None and SCHOOL_AGES[0] <= age <= SCHOOL_AGES[1]:
            counts["children_7_15"] += 1
            if attending is False:
                out_of_school += 1
            elif attending:
                counts["children_attending"] += 1
        if age is not None and age >= 15:
            counts["persons_15_plus"] += 1
            if education and choices.EDUCATION_YEARS.get(education, 0) >= SCHOOLING_YEARS:
                counts["persons_15_plus_schooled"] += 1
        if age is not None and age < 5:
            counts["under_5"] += 1
            if thin:
                counts["under_5_undernourished"] += 1
        if chronic:
            counts["chronically_ill"] += 1
        if difficulties:
            disability = True
        if relation == Person.Relation.HEAD:
            head_sex, head_age = sex, age
    size = len(members)
    lone = members[0] if size == 1 else None
    return {
        "household_size": size,
        "undernourished_member": undernourished,
        "max_years_schooling": best_years,
        "children_out_of_school": out_of_school,
        "female_head": None if head_sex is None else head_sex == Person.Sex.FEMALE,
        "head_age": head_age,
        "child_headed": None if head_age is None else head_age < ADULT_AGE,
        "elderly_alone": bool(lone and (age_on(lone[1], today) or 0) >= ELDERLY_AGE),
        "member_with_disability": disability,
        "persons_15_plus": counts["persons_15_plus"],
        "persons_15_plus_schooled": counts["persons_15_plus_schooled"],
        "children_7_15": counts["children_7_15"],
        "children_attending": counts["children_attending"],
        "under_5": counts["under_5"],
        "under_5_undernourished": counts["under_5_undernourished"],
        "chronically_ill": counts["chronically_ill"],
    }


def _per_capita(expenditure: int | None, size: int) -> float | None:
    """Monthly spending per present member (BPS's welfare measure is per capita); unknown
    when the survey has no amount or no one lives in the household any more."""
    if expenditure is None or not size:
        return None
    return expenditure / size


def _known(value):
    return None if value in ("", None) else value


def _from_survey(survey: dict | None) -> dict:
    if survey is None:
        return {}
    water, minutes = _known(survey["water"]), survey["water_minutes"]
    if water in UNSAFE_WATER or (minutes is not None and minutes >= WATER_MINUTES):
        safe_water = False
    elif water is None:
        safe_water = None
    else:
        safe_water = True
    floor, roof, wall = _known(survey["floor"]), _known(survey["roof"]), _known(survey["wall"])
    if floor in POOR_FLOORS or roof in POOR_ROOFS or wall in POOR_WALLS:
        housing = False
    elif floor is None and roof is None and wall is None:
        housing = None
    else:
        housing = True
    sanitation = _known(survey["sanitation"])
    electricity = _known(survey["electricity"])
    fuel = _known(survey["cooking_fuel"])
    assets = set(survey["assets"] or ())
    deaths = survey["child_deaths_5y"]
    income = _known(survey["income_band"])
    livestock = [survey[name] for name in ("cattle", "goats", "poultry")]
    return {
        "surveyed_on": survey["surveyed_on"],
        "child_death_5y": None if deaths is None else deaths > 0,
        "cooking_fuel": fuel,
        "improved_sanitation": None if sanitation is None else sanitation in IMPROVED_SANITATION,
        "safe_drinking_water": safe_water,
        "has_electricity": None if electricity is None else electricity != "none",
        "adequate_housing": housing,
        "small_assets": len(assets & SMALL_ASSETS),
        "owns_car": "car" in assets,
        "clean_fuel": None if fuel is None else fuel not in SOLID_FUELS,
        "owns_transport": bool(assets & {"motorcycle", "bicycle", "car"}),
        "farms_land": None if survey["land_m2"] is None else survey["land_m2"] > 0,
        "keeps_livestock": None
        if all(v is None for v in livestock)
        else any((v or 0) > 0 for v in livestock),
        "hit_by_disaster": bool(survey["disasters"]),
        "has_savings": survey["has_savings"],
        "has_debt": survey["has_debt"],
        "income_over_1m": None if income is None else income != "lt_1m",
        "monthly_expenditure": survey["monthly_expenditure"],
    }


_COLUMN_TYPES = {
    "household_id": "int64",
    "village_code": "string",
    "organisation_id": "int64",
    "dusun": "string",
    "household_size": "int64",
    "surveyed_on": "object",
    # The global MPI's columns.
    "undernourished_member": "boolean",
    "child_death_5y": "boolean",
    "max_years_schooling": "Int64",
    "children_out_of_school": "Int64",
    "cooking_fuel": "string",
    "improved_sanitation": "boolean",
    "safe_drinking_water": "boolean",
    "has_electricity": "boolean",
    "adequate_housing": "boolean",
    "small_assets": "Int64",
    "owns_car": "boolean",
    # Vulnerabilities.
    "female_head": "boolean",
    "head_age": "Int64",
    "child_headed": "boolean",
    "elderly_alone": "boolean",
    "member_with_disability": "boolean",
    "hit_by_disaster": "boolean",
    # For the livelihood capitals.
    "persons_15_plus": "Int64",
    "persons_15_plus_schooled": "Int64",
    "children_7_15": "Int64",
    "children_attending": "Int64",
    "under_5": "Int64",
    "under_5_undernourished": "Int64",
    "chronically_ill": "Int64",
    "clean_fuel": "boolean",
    "owns_transport": "boolean",
    "farms_land": "boolean",
    "keeps_livestock": "boolean",
    "has_savings": "boolean",
    "has_debt": "boolean",
    "income_over_1m": "boolean",
    # Income poverty and inequality: the survey's monthly spending (whole Rupiah) and the
    # same per present member (FGT and Gini read this, weighted by household size).
    "monthly_expenditure": "Int64",
    "expenditure_per_capita": "Float64",
    # Open social-protection enrolments, space-separated scheme codes.
    "schemes": "string",
}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    # Columns a household has no answer for (no survey yet) are null: "not known".
    return frame.astype({k: v for k, v in _COLUMN_TYPES.items() if v != "object"})


def _true(value) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


# -- poverty -----------------------------------------------------------------------------------


_THREAD = threading.local()


def duckdb_connection():
    """This thread's own DuckDB connection (Ibis backend).

    A DuckDB connection runs one statement at a time; Ibis's default backend is one
    connection for the whole process, so two requests computing the MPI at once failed
    with "connection is busy with another call". Each thread (a request, a worker) gets
    its own, made on first use and kept for the thread's next requests.
    """
    connection = getattr(_THREAD, "duckdb", None)
    if connection is None:
        import ibis

        connection = _THREAD.duckdb = ibis.duckdb.connect()
    return connection


def to_pandas(expression) -> pd.DataFrame:
    """Run an Ibis expression of the analysis library on this thread's DuckDB."""
    return duckdb_connection().to_pandas(expression)


def _measure():
    from berdaya.analysis.poverty import GLOBAL_MPI, AlkireFoster

    # "reweight": a question the survey did not ask does not make the household unknown;
    # its weight goes to the other indicators of its dimension (OPHI's practice).
    return AlkireFoster(GLOBAL_MPI, weight_column="household_size", missing="reweight")


def _mpi_input(table: pd.DataFrame) -> pd.DataFrame:
    frame = table[["household_id", "household_size", *MPI_COLUMNS]]
    # An empty household (everyone died or left) counts no people.
    return frame[frame["household_size"] > 0].reset_index(drop=True)


def cached(kind: str, frame: pd.DataFrame, compute):
    """Run `compute()` once per distinct input: the key is a hash of the data itself,
    so a changed registry gives a new key and nothing is ever stale."""
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
    key = f"berdaya:mpi:{CACHE_VERSION}:{kind}:{digest.hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value


CACHE_VERSION = 1
CACHE_SECONDS = 60 * 60


def poverty(table: pd.DataFrame) -> dict[int, Poverty]:
    """Each household's deprivation score and status, by the global MPI."""
    frame = _mpi_input(table)
    result: dict[int, Poverty] = {pk: UNKNOWN for pk in table["household_id"]}
    if frame.empty:
        return result
    measure = _measure()
    indicators = [i.name for i in measure.spec.indicators]

    def compute() -> pd.DataFrame:
        columns = ["household_id", "included", "score", "poor", "vulnerable", "severe"]
        columns += [f"deprived_{name}" for name in indicators]
        return to_pandas(measure.compute(frame).units.select(*columns))

    units = cached("units", frame, compute)

    def flags(column: str) -> list[bool]:
        # Null (not known) counts as false, as `_true` says; whole columns at once.
        return units[column].fillna(False).astype(bool).tolist()

    included, severe, poor, vulnerable = (
        flags(c) for c in ("included", "severe", "poor", "vulnerable")
    )
    deprived_flags = [flags(f"deprived_{name}") for name in indicators]
    scores = units["score"].tolist()
    for index, pk in enumerate(units["household_id"].tolist()):
        if not included[index]:
            continue
        if severe[index]:
            status = PovertyStatus.SEVERE
        elif poor[index]:
            status = PovertyStatus.POOR
        elif vulnerable[index]:
            status = PovertyStatus.VULNERABLE
        else:
            status = PovertyStatus.NOT_POOR
        deprived = tuple(
            name for name, column in zip(indicators, deprived_flags, strict=True) if column[index]
        )
        result[int(pk)] = Poverty(status, float(scores[index]), deprived)
    return result


@dataclass(frozen=True)
class MPISummary:
    households: int  # households with a known status
    unknown: int  # households without enough data
    by_status: dict[str, int]  # households per status
    headcount: float | None  # H: share of people who are poor
    intensity: float | None  # A: average score of the poor
    mpi: float | None  # M0 = H × A
    contributions: dict[str, float]  # % of M0 per indicator


def mpi_summary(table: pd.DataFrame, statuses: dict[int, Poverty] | None = None) -> MPISummary:
    """H, A and M0 for the people of `table`'s households, and households per status."""
    statuses = statuses if statuses is not None else poverty(table)
    by_status = {key: 0 for key, _label in PovertyStatus.choices}
    for item in statuses.values():
        by_status[item.status] += 1
    unknown = by_status.pop(PovertyStatus.UNKNOWN)
    frame = _mpi_input(table)
    if frame.empty or unknown == len(statuses):
        return MPISummary(len(statuses) - unknown, unknown, by_status, None, None, None, {})
    measure = _measure()
    overall = cached("overall", frame, lambda: to_pandas(measure.compute(frame).overall).iloc[0])
    contributions = {
        i.name: float(overall[f"contribution_{i.name}"] or 0) for i in measure.spec.indicators
    }

    def number(value):
        return None if pd.isna(value) else float(value)

    return MPISummary(
        households=len(statuses) - unknown,
        unknown=unknown,
        by_status=by_status,
        headcount=number(overall["H"]),
        intensity=number(overall["A"]),
        mpi=number(overall["M0"]),
        contributions=contributions,
    )


def with_poverty(table: pd.DataFrame, statuses: dict[int, Poverty]) -> pd.DataFrame:
    """`table` plus `poverty_status` and `poverty_score` columns."""
    frame = table.copy()
    frame["poverty_status"] = [statuses[pk].status for pk in frame["household_id"]]
    frame["poverty_score"] = [statuses[pk].score for pk in frame["household_id"]]
    frame["poor"] = frame["poverty_status"].isin(PovertyStatus.POOR_OR_SEVERE)
    return frame
