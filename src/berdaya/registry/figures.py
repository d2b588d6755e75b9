"""Stored figures: what pages show about many households, computed when the registry changes.

Pages never recompute the registry. Two tables hold what they read, both derived from the
registry by `berdaya.analysis` (through `indicators.household_table` and
`indicators.poverty` / `indicators.mpi_summary`, the one place the measures are defined):

* `HouseholdFigures`, one row per household: present members, the head's name, the MPI
  status, score and deprivations. Every registry service that changes a household, its
  members, survey or enrolments calls `household_changed(...)` inside its transaction, so the
  row changes with the data (an import calls `households_refresh` once for all it wrote).
* `VillageRegistryFigures`, one row per organisation and village: the village profile's
  counts, shares, coverage, MPI summary and capitals' registry parts, by code. A change marks
  the row stale; after the commit it is computed again at once when the village has at most
  `BERDAYA_FIGURES_INLINE_HOUSEHOLDS` active households, else by a background job
  (`village_figures_task`, run by `berdaya db_worker`). Pages show `computed_at`.

`figures_rebuild()` (`berdaya refresh-figures`) recomputes every row from the registry; run
it daily too, since ages (children, elderly, adults) are counted on the day of computing.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django_tasks import task

from berdaya.core import db

from . import indicators
from .models import (
    Household,
    HouseholdFigures,
    HouseholdSurvey,
    Person,
    SocialProtectionScheme,
    VillageRegistryFigures,
)

logger = logging.getLogger(__name__)

FIGURES_VERSION = 2  # bump when the payload's shape changes; older rows are recomputed
AGE_BANDS = [(low, low + 4) for low in range(0, 75, 5)] + [(75, None)]
ADULT_AGE, CHILD_AGE, ELDERLY_AGE = 18, 18, 60
LIVING_QUESTIONS = ("floor", "water", "sanitation", "electricity", "cooking_fuel")
CHUNK = 20_000  # households refreshed per step by the rebuild
INSERT_BATCH = 5_000
# An import that leaves a village with this many households refreshes the planner's
# statistics after its commit (core.db.statistics_refresh).
STATISTICS_AFTER = 1_000

_deferred = threading.local()


def inline_limit() -> int:
    return settings.BERDAYA_FIGURES_INLINE_HOUSEHOLDS


# -- households --------------------------------------------------------------------------------


def _head_names(households: QuerySet[Household]) -> dict[int, str]:
    names = {}
    for household_id, name in (
        Person.objects.filter(
            household_id__in=households.order_by().values("pk"),
            status=Person.Status.PRESENT,
            relation=Person.Relation.HEAD,
        )
        .order_by("household_id", "pk")
        .values_list("household_id", "name")
    ):
        names.setdefault(household_id, name)
    return names


def households_refresh(
    households: QuerySet[Household], *, today: datetime.date | None = None
) -> set[tuple[int, str]]:
    """Recompute the stored figures of `households` (any number) from the registry.
    Returns the (organisation, village) pairs whose village figures changed with them,
    the villages the households were counted in before included (a move)."""
    today = today or timezone.localdate()
    keys = households.order_by().values("pk")
    before = set(
        HouseholdFigures.objects.filter(household_id__in=keys).values_list(
            "organisation_id", "village_code"
        )
    )
    table = indicators.household_table(households, today=today)
    statuses = indicators.poverty(table)
    heads = _head_names(households)
    adapt_date = connection.ops.adapt_datefield_value
    rows = [
        (
            int(pk),
            village,
            int(organisation),
            int(size),
            heads.get(int(pk), ""),
            statuses[int(pk)].status,
            statuses[int(pk)].score,
            " ".join(statuses[int(pk)].deprived),
            adapt_date(today),
            None if pd.isna(spending) else int(spending),
        )
        for pk, village, organisation, size, spending in zip(
            table["household_id"],
            table["village_code"],
            table["organisation_id"],
            table["household_size"],
            table["monthly_expenditure"],
            strict=True,
        )
    ]
    with transaction.atomic():
        HouseholdFigures.objects.filter(household_id__in=keys).delete()
        _insert(rows)
    return before | {(row[2], row[1]) for row in rows}


_COLUMNS = (
    "household_id",
    "village_code",
    "organisation_id",
    "members",
    "head_name",
    "poverty_status",
    "poverty_score",
    "deprived",
    "computed_on",
    "monthly_expenditure",
)


def _insert(rows: list[tuple]) -> None:
    """One executemany per batch: `bulk_create` would spend longer building SQL than the
    database takes to write 100,000 rows."""
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (the model's own names)
        quote(HouseholdFigures._meta.db_table),
        ", ".join(quote(HouseholdFigures._meta.get_field(c).column) for c in _COLUMNS),
        ", ".join(["%s"] * len(_COLUMNS)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            cursor.executemany(sql, rows[start : start + INSERT_BATCH])


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Within this block, changed households are collected and refreshed once at its end
    (the demo, which registers hundreds of households in a row)."""
    outer = getattr(_deferred, "pending", None)
    if outer is not None:
        yield
        return
    _deferred.pending = set()
    try:
        yield
        pending = _deferred.pending
    finally:
        _deferred.pending = None
    if pending:
        _changed(Household.objects.filter(pk__in=sorted(pending)))


def household_changed(*households: Household | int) -> None:
    """The hook every registry write calls (inside its transaction) with the households it
    changed: their figures are recomputed now, their villages' figures after the commit."""
    keys = {h if isinstance(h, int) else h.pk for h in households if h is not None}
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending |= keys
        return
    if keys:
        _changed(Household.objects.filter(pk__in=sorted(keys)))


def _changed(households: QuerySet[Household]) -> None:
    villages_changed(households_refresh(households))


def import_written(*, organisation_id: int, village_codes: Iterable[str]) -> None:
    """After an import's write, in its transaction, for every village it wrote (one, or each
    household's own village of a programme). An import only adds households (what is already
    registered is skipped), so its households are the villages' without figures."""
    codes = sorted(set(village_codes))
    if not codes:
        return
    households = Household.objects.filter(organisation_id=organisation_id).exclude(
        pk__in=HouseholdFigures.objects.values("household_id")
    )
    if len(codes) == 1:
        households = households.filter(village_id=codes[0])
    else:
        households = households.filter(village_id__in=codes)
    pairs = households_refresh(households)
    villages_changed(pairs | {(organisation_id, code) for code in codes})
    if (
        Household.objects.filter(organisation_id=organisation_id, village_id__in=codes)[
            :STATISTICS_AFTER
        ].count()
        >= STATISTICS_AFTER
    ):
        transaction.on_commit(db.statistics_refresh)


# -- villages ----------------------------------------------------------------------------------


def villages_changed(pairs: Iterable[tuple[int, str]]) -> None:
    """Mark the villages' figures stale now; compute them again after the commit."""
    pairs = sorted(set(pairs))
    if not pairs:
        return
    now = timezone.now()
    for organisation_id, code in pairs:
        updated = VillageRegistryFigures.objects.filter(
            organisation_id=organisation_id, village_id=code
        ).update(stale=True, changed_at=now)
        if not updated:
            VillageRegistryFigures.objects.get_or_create(
                organisation_id=organisation_id,
                village_id=code,
                defaults={"stale": True, "changed_at": now},
            )
    transaction.on_commit(lambda: _after_commit(pairs))


def _after_commit(pairs: list[tuple[int, str]]) -> None:
    for organisation_id, code in pairs:
        if _active_households(organisation_id, code) <= inline_limit():
            village_refresh(organisation_id=organisation_id, village_code=code)
        else:
            village_figures_task.enqueue(organisation_id, code)


def _active_households(organisation_id: int, code: str) -> int:
    return Household.objects.filter(
        organisation_id=organisation_id, village_id=code, status=Household.Status.ACTIVE
    ).count()


@task()
def village_figures_task(organisation_id: int, village_code: str) -> None:
    """Compute one village's figures again if they are stale (a background job)."""
    row = VillageRegistryFigures.objects.filter(
        organisation_id=organisation_id, village_id=village_code
    ).first()
    if row is None or row.stale or row.figures.get("version") != FIGURES_VERSION:
        village_refresh(organisation_id=organisation_id, village_code=village_code)


def village_refresh(
    *, organisation_id: int, village_code: str, today: datetime.date | None = None
) -> VillageRegistryFigures:
    """Compute one organisation's figures for one village from the registry and store them.
    A change committed while computing leaves the row stale (computed again next time)."""
    started = timezone.now()
    today = today or timezone.localdate()
    figures = village_compute(
        organisation_id=organisation_id, village_code=village_code, today=today
    )
    counts = {name: figures[name] for name in ("households", "persons", "women", "children")}
    counts.update(elderly=figures["elderly"], adults=figures["adults"])
    row, _created = VillageRegistryFigures.objects.update_or_create(
        organisation_id=organisation_id,
        village_id=village_code,
        defaults={**counts, "figures": figures, "computed_at": started, "computed_on": today},
    )
    still_stale = VillageRegistryFigures.objects.filter(pk=row.pk, changed_at__gt=started).exists()
    VillageRegistryFigures.objects.filter(pk=row.pk).update(stale=still_stale)
    row.stale = still_stale
    return row


def village_row(*, organisation_id: int, village_code: str) -> VillageRegistryFigures | None:
    """The stored figures of a village for a page. A small village whose figures are stale
    or missing is computed now (under a second); a large one is left to its job and its
    last figures are shown with their time (None if there are none yet)."""
    row = VillageRegistryFigures.objects.filter(
        organisation_id=organisation_id, village_id=village_code
    ).first()
    current = row is not None and row.figures.get("version") == FIGURES_VERSION
    if current and not row.stale:
        return row
    households = row.households if current else _active_households(organisation_id, village_code)
    if households <= inline_limit():
        return village_refresh(organisation_id=organisation_id, village_code=village_code)
    if current:
        return row  # stale: the change that made it so queued its job
    # Never computed (a registry upgraded without `berdaya refresh-figures`): queue it.
    transaction.on_commit(lambda: village_figures_task.enqueue(organisation_id, village_code))
    return None


def village_rows(*, organisation_id: int, codes: Iterable[str]) -> list[VillageRegistryFigures]:
    rows = {
        row.village_id: row
        for row in VillageRegistryFigures.objects.filter(
            organisation_id=organisation_id, village_id__in=list(codes)
        )
    }
    result = []
    for code in sorted(set(codes)):
        row = rows.get(code)
        if row is None or row.stale or row.figures.get("version") != FIGURES_VERSION:
            row = village_row(organisation_id=organisation_id, village_code=code)
        if row is not None:
            result.append(row)
    return result


def _band(age: int) -> int:
    return min(age // 5, len(AGE_BANDS) - 1)


def _true_count(series: pd.Series) -> int:
    return int(series.fillna(False).astype(bool).sum())


def _known_share(series: pd.Series, *, invert: bool = False) -> float | None:
    known = series.dropna()
    if known.empty:
        return None
    share = 100 * float(known.astype(bool).mean())
    return 100 - share if invert else share


def _share(numerator: float, denominator: float) -> float | None:
    return 100 * numerator / denominator if denominator else None


def village_compute(*, organisation_id: int, village_code: str, today: datetime.date) -> dict:
    """Everything the registry says about one organisation's households in one village,
    by code (JSON). The measures come from `berdaya.analysis` through `indicators`."""
    households = Household.objects.filter(
        organisation_id=organisation_id, village_id=village_code, status=Household.Status.ACTIVE
    )
    persons = Person.objects.filter(
        household__in=households.values("pk"), status=Person.Status.PRESENT
    )
    pyramid: Counter = Counter()
    women = children = elderly = adults = unknown_age = disabled = 0
    for sex, birth, difficulties in persons.values_list("sex", "birth_date", "disabilities"):
        women += sex == Person.Sex.FEMALE
        disabled += bool(difficulties)
        age = indicators.age_on(birth, today)
        if age is None:
            unknown_age += 1
            continue
        children += age < CHILD_AGE
        adults += age >= ADULT_AGE
        elderly += age >= ELDERLY_AGE
        pyramid[(_band(age), sex)] += 1
    people = sum(pyramid.values()) + unknown_age
    table = indicators.household_table(households, today=today)
    statuses = indicators.poverty(table)
    mpi = indicators.mpi_summary(table, statuses)
    total = len(table)
    return {
        "version": FIGURES_VERSION,
        "households": total,
        "persons": people,
        "women": women,
        "children": children,
        "elderly": elderly,
        "adults": adults,
        "unknown_age": unknown_age,
        "pyramid": [
            [band, sex, pyramid[(band, sex)]]
            for band in range(len(AGE_BANDS))
            for sex in (Person.Sex.MALE, Person.Sex.FEMALE)
        ],
        "living": _living(households),
        "dusun": sorted(
            set(households.exclude(dusun="").order_by().values_list("dusun", flat=True))
        ),
        "coverage": _coverage(organisation_id, table, statuses),
        "vulnerabilities": {
            "female_head": _true_count(table["female_head"]),
            "elderly_alone": _true_count(table["elderly_alone"]),
            "child_headed": _true_count(table["child_headed"]),
            "hit_by_disaster": _true_count(table["hit_by_disaster"]),
            "member_with_disability": _true_count(table["member_with_disability"]),
            "persons_with_disability": disabled,
        },
        "disasters": _disasters(households),
        "mpi": {
            "households": mpi.households,
            "unknown": mpi.unknown,
            "by_status": mpi.by_status,
            "headcount": mpi.headcount,
            "intensity": mpi.intensity,
            "mpi": mpi.mpi,
            "contributions": mpi.contributions,
        },
        "capital_parts": _capital_parts(table) if total else {},
        "income": village_income(organisation_id, village_code, table, today=today),
    }


def _living(households: QuerySet[Household]) -> dict[str, list]:
    surveys = HouseholdSurvey.objects.filter(pk__in=households.values("latest_survey_id"))
    result = {}
    for name in LIVING_QUESTIONS:
        rows = surveys.exclude(**{name: ""}).values(name).annotate(n=Count("pk"))
        result[name] = sorted(([row[name], row["n"]] for row in rows), key=lambda r: (-r[1], r[0]))
    return result


def _coverage(organisation_id: int, table: pd.DataFrame, statuses) -> dict[str, dict]:
    schemes = list(
        SocialProtectionScheme.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
        ).values_list("code", flat=True)
    )
    enrolled: dict[str, set[int]] = {code: set() for code in schemes}
    for pk, codes in zip(table["household_id"], table["schemes"].fillna(""), strict=True):
        for code in codes.split():
            enrolled.setdefault(code, set()).add(int(pk))
    known = {pk: item for pk, item in statuses.items() if item.status != "unknown"}
    overall = None
    if known and schemes:
        from berdaya.analysis.poverty import Coverage, Scheme

        frame = pd.DataFrame(
            {
                "household_id": list(known),
                "poor": [item.is_poor for item in known.values()],
                **{f"enrolled_{code}": [pk in enrolled[code] for pk in known] for code in schemes},
            }
        )
        measure = Coverage(
            [Scheme(code, eligible="poor", enrolled=f"enrolled_{code}") for code in schemes]
        )
        overall = indicators.cached(
            "coverage", frame, lambda: indicators.to_pandas(measure.compute(frame).overall)
        ).set_index("scheme")
    result = {}
    for code in schemes:
        row = overall.loc[code] if overall is not None else None
        result[code] = {
            "enrolled": len(enrolled[code]),
            "poor_not_enrolled": None if row is None else int(row["eligible_not_enrolled"]),
            "enrolled_not_poor": None if row is None else int(row["enrolled_not_eligible"]),
        }
    return result


def _disasters(households: QuerySet[Household]) -> list[list]:
    counter: Counter = Counter()
    surveys = HouseholdSurvey.objects.filter(pk__in=households.values("latest_survey_id"))
    for disasters in surveys.exclude(disasters=[]).values_list("disasters", flat=True):
        counter.update(set(disasters or ()))
    return sorted(([code, n] for code, n in counter.items()), key=lambda r: (-r[1], r[0]))


def _capital_parts(table: pd.DataFrame) -> dict[str, list]:
    """The registry's part of each livelihood capital (0–100 shares), by part code. The
    social capital's part (active institutions) is counted when shown."""

    def total(column: str) -> int:
        return int(table[column].fillna(0).sum())

    people = total("household_size")
    assets_ok = table["small_assets"].ge(2) | table["owns_car"].fillna(False).astype(bool)
    assets_ok = assets_ok.where(table["small_assets"].notna())
    under_5 = total("under_5")
    return {
        "human": [
            ["schooling", _share(total("persons_15_plus_schooled"), total("persons_15_plus"))],
            ["in_school", _share(total("children_attending"), total("children_7_15"))],
            [
                "nourished",
                None if not under_5 else 100 - _share(total("under_5_undernourished"), under_5),
            ],
            ["healthy", None if not people else 100 - _share(total("chronically_ill"), people)],
        ],
        "natural": [
            ["farm_land", _known_share(table["farms_land"])],
            ["livestock", _known_share(table["keeps_livestock"])],
            ["safe_water", _known_share(table["safe_drinking_water"])],
            ["no_disaster", _known_share(table["hit_by_disaster"], invert=True)],
        ],
        "physical": [
            ["housing", _known_share(table["adequate_housing"])],
            ["electricity", _known_share(table["has_electricity"])],
            ["toilet", _known_share(table["improved_sanitation"])],
            ["clean_fuel", _known_share(table["clean_fuel"])],
            ["transport", _known_share(table["owns_transport"])],
        ],
        "financial": [
            ["savings", _known_share(table["has_savings"])],
            ["no_debts", _known_share(table["has_debt"], invert=True)],
            ["income", _known_share(table["income_over_1m"])],
            ["assets", _known_share(assets_ok)],
        ],
    }


# -- income poverty and inequality ------------------------------------------------------------

# Fewer answers than this and the village's FGT and Gini are not shown: a handful of
# households says nothing a village meeting could rely on.
INCOME_MIN_ANSWERS = 10
INCOME_COLUMNS = ["household_id", "village_code", "dusun", "household_size"]


def _income_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The households that gave their monthly spending (and still have members)."""
    answered = table["expenditure_per_capita"].notna() & (table["household_size"] > 0)
    frame = table.loc[answered, INCOME_COLUMNS].reset_index(drop=True)
    frame["dusun"] = frame["dusun"].fillna("").astype(str)
    frame["village_code"] = frame["village_code"].astype(str)
    frame["expenditure_per_capita"] = (
        table.loc[answered, "expenditure_per_capita"].astype("float64").to_numpy()
    )
    return frame


def survey_year(table: pd.DataFrame, today: datetime.date) -> int:
    """The year of the latest survey answer about spending (the line is that year's)."""
    dates = table.loc[table["expenditure_per_capita"].notna(), "surveyed_on"].dropna()
    return max(dates).year if len(dates) else today.year


def income_measures(frame: pd.DataFrame, lines: dict[str, int], *, by: str) -> dict:
    """FGT P0/P1/P2 and the Gini with its within/between/overlap decomposition by `by`,
    by `berdaya.analysis` (people: households weighted by their present members; each
    household against its village's line)."""
    from berdaya.analysis.poverty import FGT, Gini, PovertyLines

    # The analysis looks a unit's line up by "province"; the app has already chosen each
    # village's line, so the village code is the key.
    poverty_lines = PovertyLines(
        [{"province_code": code, "poverty_line": amount} for code, amount in sorted(lines.items())]
    )
    fgt = FGT(
        income="expenditure_per_capita",
        poverty_line=poverty_lines,
        weight_column="household_size",
        province_column="village_code",
    )
    gini = Gini(income="expenditure_per_capita", weight_column="household_size")
    key = ",".join(f"{code}={amount}" for code, amount in sorted(lines.items()))

    def compute() -> dict:
        overall = indicators.to_pandas(fgt.compute(frame).overall).iloc[0]
        result = gini.compute(frame, by=by)
        whole = indicators.to_pandas(result.overall).iloc[0]
        parts = indicators.to_pandas(result.decomposition).iloc[0]
        groups = indicators.to_pandas(result.groups).sort_values(by)
        return {
            "population": int(overall["population"]),
            "P0": float(overall["P0"]),
            "P1": float(overall["P1"]),
            "P2": float(overall["P2"]),
            "gini": float(whole["gini"]),
            "mean": float(whole["mean_income"]),
            "decomposition": {
                "by": by,
                "within": float(parts["within"]),
                "between": float(parts["between"]),
                "overlap": float(parts["overlap"]),
                "groups": [
                    [
                        str(row[by]),
                        int(row["units"]),
                        float(row["mean_income"]),
                        float(row["gini"]),
                        float(row["income_share"]),
                    ]
                    for _index, row in groups.iterrows()
                ],
            },
        }

    digest = hashlib.sha256(f"{by}|{key}".encode()).hexdigest()[:16]
    return indicators.cached(f"income:{digest}", frame, compute)


def village_income(
    organisation_id: int, village_code: str, table: pd.DataFrame, *, today: datetime.date
) -> dict:
    """The village's income poverty (FGT) and inequality (Gini by dusun) from the
    survey's monthly spending, against the line `community.lines.line_for` chooses."""
    from berdaya.community.lines import line_for

    frame = _income_frame(table)
    line = line_for(
        organisation_id=organisation_id,
        village_code=village_code,
        year=survey_year(table, today),
    )
    result = {"households": len(table), "answered": len(frame), "line": line.as_dict()}
    if len(frame) < INCOME_MIN_ANSWERS:
        return result
    return result | income_measures(frame, {village_code: line.amount}, by="dusun")


def changes_key(kind: str, *, organisation_id: int, codes: Iterable[str], parts=()) -> str:
    """A cache key for what is counted over the villages' households, that changes with
    every change to one of them: their stored figures' row moves (`stale` and `changed_at`
    at once, `computed_at` after the recomputation)."""
    stamp = sorted(
        VillageRegistryFigures.objects.filter(
            organisation_id=organisation_id, village_id__in=list(codes)
        ).values_list("village_id", "stale", "changed_at", "computed_at")
    )
    digest = hashlib.sha256(repr((organisation_id, stamp, tuple(parts))).encode()).hexdigest()
    return f"{kind}:{digest}"


def programme_income(*, organisation_id: int, codes: Iterable[str]) -> dict:
    """The same over a programme's villages, by the analysis on all their households
    together (not an average of villages), each household against its village's line;
    the Gini is decomposed by village. Read from the stored figures (one indexed query
    for the households' spending, the villages' lines from their rows)."""
    rows = village_rows(organisation_id=organisation_id, codes=codes)
    # The households' spending is read once per change of the villages, not per request.
    key = changes_key("programme-income", organisation_id=organisation_id, codes=codes)
    cached = cache.get(key)
    if cached is None:
        cached = _programme_income(organisation_id, rows)
        cache.set(key, cached, timeout=24 * 3600)
    return cached


def _programme_income(organisation_id: int, rows) -> dict:
    lines = {
        row.village_id: row.figures["income"]["line"] for row in rows if row.figures.get("income")
    }
    stored = (
        HouseholdFigures.objects.filter(
            organisation_id=organisation_id,
            village_code__in=list(lines),
            household__status=Household.Status.ACTIVE,
        )
        .order_by("household_id")
        .values_list("household_id", "village_code", "members", "monthly_expenditure")
    )
    records = [
        (pk, code, size, expenditure / size)
        for pk, code, size, expenditure in stored
        if expenditure is not None and size
    ]
    households = sum(
        row.figures["income"]["households"] for row in rows if row.figures.get("income")
    )
    columns = ["household_id", "village_code", "household_size", "expenditure_per_capita"]
    frame = pd.DataFrame.from_records(records, columns=columns).astype(
        {"household_id": "int64", "village_code": "string", "household_size": "int64"}
    )
    frame["expenditure_per_capita"] = frame["expenditure_per_capita"].astype("float64")
    result = {
        "households": households,
        "answered": len(frame),
        "villages": len(lines),
        "lines": sorted({tuple(sorted(line.items())) for line in lines.values()}),
    }
    result["lines"] = [dict(items) for items in result["lines"]]
    if len(frame) < INCOME_MIN_ANSWERS:
        return result
    amounts = {code: line["amount"] for code, line in lines.items()}
    return result | income_measures(frame, amounts, by="village_code")


def poverty_line_changed(*, organisation_id: int, area_code: str) -> None:
    """A manager set or changed a line: the organisation's villages in that province or
    regency are computed again (their stored figures are stale until then)."""
    codes = (
        VillageRegistryFigures.objects.filter(
            organisation_id=organisation_id, village__code__startswith=f"{area_code}."
        )
        .order_by("village_id")
        .values_list("village_id", flat=True)
    )
    villages_changed((organisation_id, code) for code in codes)


# -- everything --------------------------------------------------------------------------------


def figures_rebuild(
    *, today: datetime.date | None = None, log=None, villages_only: bool = False
) -> dict[str, int]:
    """Recompute every stored figure from the registry (`berdaya refresh-figures`);
    with `villages_only`, the village figures alone (households' rows are kept)."""
    from . import search

    today = today or timezone.localdate()
    say = log or (lambda message: logger.info(message))
    if search.ensure_index():
        say("name index rebuilt")
    pairs = list(
        Household.objects.order_by("organisation_id", "village_id")
        .values_list("organisation_id", "village_id")
        .distinct()
    )
    households = 0
    for organisation_id, code in [] if villages_only else pairs:
        keys = list(
            Household.objects.filter(organisation_id=organisation_id, village_id=code)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(keys), CHUNK):
            low, high = keys[start], keys[min(start + CHUNK, len(keys)) - 1]
            part = Household.objects.filter(
                organisation_id=organisation_id, village_id=code, pk__gte=low, pk__lte=high
            )
            households_refresh(part, today=today)
        households += len(keys)
        say(f"{code} ({organisation_id}): {len(keys):,} households")
    if not villages_only:
        HouseholdFigures.objects.exclude(household__in=Household.objects.values("pk")).delete()
    stored = set(pairs)
    VillageRegistryFigures.objects.exclude(
        pk__in=[
            row.pk
            for row in VillageRegistryFigures.objects.all()
            if (row.organisation_id, row.village_id) in stored
        ]
    ).delete()
    for organisation_id, code in pairs:
        village_refresh(organisation_id=organisation_id, village_code=code, today=today)
        say(f"{code} ({organisation_id}): village figures")
    from . import rounds  # the survey rounds' figures read the same registry

    rounds.rounds_rebuild(log=say)
    db.statistics_refresh()
    return {"households": households, "villages": len(pairs)}


__all__ = [
    "changes_key",
    "deferred",
    "figures_rebuild",
    "household_changed",
    "households_refresh",
    "import_written",
    "poverty_line_changed",
    "programme_income",
    "village_compute",
    "village_income",
    "village_refresh",
    "village_row",
    "village_rows",
]
