"""Poverty over time: the figures of a programme's survey rounds, stored per village and round.

A survey belongs to a round explicitly (`HouseholdSurvey.round`, chosen when it is recorded
or imported). For each round, the household table is `indicators.household_table` with each
household's latest survey *of that round* (ages on the round's last day; the members are
those present when the figures are computed), and everything is `berdaya.analysis`'s, through
`indicators` and `figures`, the one place the measures are defined:

* MPI H, A, M0 and each indicator's censored headcount (the village profile's measure,
  `indicators._measure()`, grouped by village and overall), households per status
  (`indicators.poverty`);
* FGT P0/P1/P2 and the Gini from the round's monthly spending per person (the same columns
  as `figures.income_measures`), each household against its village's line
  (`community.lines.line_for`, for the year of the round's latest survey);
* the **transitions** since the round before, for the households surveyed in both: stayed
  poor, escaped, fell in, stayed non-poor (poor = the analysis's poor status, severe
  included), and for those who escaped (fell in) how many were no longer (newly) deprived
  in each indicator.

The programme's row is computed over the union of its villages' households, never as an
average of villages. Rows (`RoundFigures`) are marked stale by `rounds_changed` when a round's
surveys change and computed again by `round_figures_task` (a django-tasks job, run by
`berdaya db_worker`); pages read them with one indexed query (`round_rows`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import figures, indicators
from .models import Household, HouseholdSurvey, RoundFigures

ROUND_FIGURES_VERSION = 1
CELLS = ("stayed_poor", "escaped", "fell_in", "stayed_non_poor")


def _indicator_names() -> list[str]:
    return [i.name for i in indicators._measure().spec.indicators]


def round_surveys(survey_round, *, village_codes: Iterable[str] | None = None) -> dict[int, int]:
    """Household → its latest survey in `survey_round`, among the households of the round's
    programme's organisation (in `village_codes`, or the programme's villages)."""
    programme = survey_round.programme
    codes = (
        list(village_codes)
        if village_codes is not None
        else list(programme.coverage.values_list("village_id", flat=True))
    )
    rows = (
        HouseholdSurvey.objects.filter(
            round=survey_round,
            household__organisation_id=programme.organisation_id,
            household__village_id__in=codes,
        )
        .order_by("household_id", "surveyed_on", "pk")
        .values_list("household_id", "pk")
    )
    return dict(rows)  # the last of each household's surveys in the round wins


def round_table(survey_round, *, village_codes: Iterable[str] | None = None) -> pd.DataFrame:
    """The household table of a round: what its figures are computed from (and what an
    analyst reruns `berdaya analyze mpi` on)."""
    surveys = round_surveys(survey_round, village_codes=village_codes)
    households = Household.objects.filter(pk__in=list(surveys))
    return indicators.household_table(households, today=survey_round.ends_on, surveys=surveys)


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def table_figures(
    table: pd.DataFrame,
    *,
    lines: Mapping[str, int],
    statuses=None,
    codes: Iterable[str] | None = None,
) -> dict[str | None, dict]:
    """MPI, censored headcounts, FGT and Gini of a round's household table, for each of its
    villages (by code) and for all of them together (key None), by `berdaya.analysis`: one
    grouped computation of each measure (a programme of 100 villages is a handful of
    queries, not hundreds). Each household is held against its village's line."""
    from berdaya.analysis.poverty import FGT, Gini, PovertyLines

    statuses = statuses if statuses is not None else indicators.poverty(table)
    codes = sorted(codes if codes is not None else set(table["village_code"].astype(str)))
    households = table["village_code"].astype(str).value_counts().to_dict()
    known: dict[str | None, dict[str, int]] = {None: {}}
    for pk, code in zip(table["household_id"], table["village_code"].astype(str), strict=True):
        status = statuses[int(pk)].status
        for key in (code, None):
            counts = known.setdefault(key, {})
            counts[status] = counts.get(status, 0) + 1
    names = _indicator_names()
    measure = indicators._measure()
    frame = table[["household_id", "village_code", "household_size", *indicators.MPI_COLUMNS]]
    frame = frame[frame["household_size"] > 0].reset_index(drop=True)
    frame["village_code"] = frame["village_code"].astype(str)
    mpi_rows: dict[str | None, pd.Series] = {}
    if not frame.empty:
        result = measure.compute(frame, by="village_code")
        for _index, row in indicators.to_pandas(result.groups).iterrows():
            mpi_rows[str(row["village_code"])] = row
        mpi_rows[None] = indicators.to_pandas(result.overall).iloc[0]
    income_frame = figures._income_frame(table)
    answered = income_frame["village_code"].value_counts().to_dict()
    income_rows: dict[str | None, dict] = {}
    if len(income_frame):
        poverty_lines = PovertyLines(
            [{"province_code": c, "poverty_line": a} for c, a in sorted(lines.items())]
        )
        fgt = FGT(
            income="expenditure_per_capita",
            poverty_line=poverty_lines,
            weight_column="household_size",
            province_column="village_code",
        ).compute(income_frame, by="village_code")
        gini = Gini(income="expenditure_per_capita", weight_column="household_size").compute(
            income_frame, by="village_code"
        )
        fgt_groups = indicators.to_pandas(fgt.groups).set_index("village_code")
        gini_groups = indicators.to_pandas(gini.groups).set_index("village_code")
        for code in fgt_groups.index:
            income_rows[str(code)] = {**fgt_groups.loc[code], **gini_groups.loc[code]}
        income_rows[None] = {
            **indicators.to_pandas(fgt.overall).iloc[0],
            **indicators.to_pandas(gini.overall).iloc[0],
        }
    result: dict[str | None, dict] = {}
    for code in [*codes, None]:
        by_status = {key: 0 for key, _label in indicators.PovertyStatus.choices}
        by_status.update(known.get(code, {}))
        unknown = by_status.pop(indicators.PovertyStatus.UNKNOWN)
        row = mpi_rows.get(code)
        has_mpi = row is not None and sum(by_status.values()) > 0
        count = answered.get(code, 0) if code else len(income_frame)
        income = {
            "answered": int(count),
            "lines": {c: lines[c] for c in ([code] if code else codes)},
        }
        money = income_rows.get(code)
        if money is not None and count >= figures.INCOME_MIN_ANSWERS:
            income |= {
                "population": int(money["population"]),
                "P0": _number(money["P0"]),
                "P1": _number(money["P1"]),
                "P2": _number(money["P2"]),
                "gini": _number(money["gini"]),
                "mean": _number(money["mean_income"]),
            }
        result[code] = {
            "households": int(households.get(code, 0) if code else len(table)),
            "mpi": {
                "households": sum(by_status.values()),
                "unknown": unknown,
                "by_status": by_status,
                "H": _number(row["H"]) if has_mpi else None,
                "A": _number(row["A"]) if has_mpi else None,
                "M0": _number(row["M0"]) if has_mpi else None,
                "censored": {n: _number(row[f"censored_{n}"]) for n in names} if has_mpi else {},
            },
            "income": income,
        }
    return result


@dataclass(frozen=True)
class Transition:
    households: int  # surveyed (with a known status) in both rounds
    cells: dict[str, int]  # CELLS → households
    escaped_indicators: list[list]  # [indicator, households no longer deprived in it]
    fell_in_indicators: list[list]  # [indicator, households newly deprived in it]

    def as_dict(self) -> dict:
        return {
            "households": self.households,
            **self.cells,
            "escaped_indicators": self.escaped_indicators,
            "fell_in_indicators": self.fell_in_indicators,
        }


def transitions(
    before: Mapping[int, indicators.Poverty], after: Mapping[int, indicators.Poverty]
) -> Transition:
    """The transition matrix of the households known in both rounds' statuses (each the
    analysis's), and which indicators changed among those who escaped and who fell in."""
    cells = dict.fromkeys(CELLS, 0)
    no_longer: dict[str, int] = {}
    newly: dict[str, int] = {}
    both = 0
    for pk, now in after.items():
        then = before.get(pk)
        if then is None or then.status == "unknown" or now.status == "unknown":
            continue
        both += 1
        was, is_ = then.is_poor, now.is_poor
        if was and is_:
            cells["stayed_poor"] += 1
        elif was:
            cells["escaped"] += 1
            for name in set(then.deprived) - set(now.deprived):
                no_longer[name] = no_longer.get(name, 0) + 1
        elif is_:
            cells["fell_in"] += 1
            for name in set(now.deprived) - set(then.deprived):
                newly[name] = newly.get(name, 0) + 1
        else:
            cells["stayed_non_poor"] += 1

    def ranked(counts: dict[str, int]) -> list[list]:
        return [[name, n] for name, n in sorted(counts.items(), key=lambda r: (-r[1], r[0]))]

    return Transition(both, cells, ranked(no_longer), ranked(newly))


# -- stored rows -------------------------------------------------------------------------------


def previous_round(survey_round):
    """The round before `survey_round` in its programme (by start date), or None."""
    rounds = list(survey_round.programme.survey_rounds.order_by("starts_on", "pk"))
    index = [r.pk for r in rounds].index(survey_round.pk)
    return rounds[index - 1] if index else None


def _lines(survey_round, codes: Iterable[str], table: pd.DataFrame) -> dict[str, int]:
    from berdaya.community.lines import line_for

    year = figures.survey_year(table, survey_round.ends_on)
    organisation_id = survey_round.programme.organisation_id
    return {
        code: line_for(organisation_id=organisation_id, village_code=code, year=year).amount
        for code in codes
    }


def round_refresh(survey_round) -> list[RoundFigures]:
    """Compute one round's figures for each of its programme's villages and for the whole
    programme, and store them (a change committed meanwhile leaves the rows stale)."""
    started = timezone.now()
    programme = survey_round.programme
    codes = sorted(programme.coverage.values_list("village_id", flat=True))
    table = round_table(survey_round, village_codes=codes)
    statuses = indicators.poverty(table)
    before = previous_round(survey_round)
    before_statuses = None
    if before is not None:
        before_statuses = indicators.poverty(round_table(before, village_codes=codes))
    lines = _lines(survey_round, codes, table)
    computed = table_figures(table, lines=lines, statuses=statuses, codes=codes)
    keys_of: dict[str | None, set[int]] = {None: set(statuses)}
    for pk, code in zip(table["household_id"], table["village_code"].astype(str), strict=True):
        keys_of.setdefault(code, set()).add(int(pk))
    stored = []
    for code in [*codes, None]:
        payload = computed[code]
        payload["version"] = ROUND_FIGURES_VERSION
        payload["round"] = {
            "name": survey_round.name,
            "starts_on": survey_round.starts_on.isoformat(),
            "ends_on": survey_round.ends_on.isoformat(),
        }
        payload["transitions"] = None
        if before_statuses is not None:
            mine = {pk: statuses[pk] for pk in keys_of.get(code, set())}
            payload["previous"] = before.name
            payload["transitions"] = transitions(before_statuses, mine).as_dict()
        with transaction.atomic():
            row, _created = RoundFigures.objects.update_or_create(
                round=survey_round,
                village_id=code,
                defaults={
                    "households": payload["households"],
                    "figures": payload,
                    "computed_at": started,
                },
            )
            still = RoundFigures.objects.filter(pk=row.pk, changed_at__gt=started).exists()
            RoundFigures.objects.filter(pk=row.pk).update(stale=still)
            row.stale = still
        stored.append(row)
    RoundFigures.objects.filter(round=survey_round, village__isnull=False).exclude(
        village_id__in=codes
    ).delete()
    return stored


def _affected(survey_round) -> list:
    """A round and the one after it (whose transitions start from it)."""
    rounds = list(survey_round.programme.survey_rounds.order_by("starts_on", "pk"))
    index = [r.pk for r in rounds].index(survey_round.pk)
    return rounds[index : index + 2]


def rounds_changed(round_ids: Iterable[int]) -> None:
    """The surveys of these rounds changed (inside the writing transaction): their rows and
    the next rounds' are stale now and computed again by a job after the commit."""
    from berdaya.programmes.models import SurveyRound

    ids = sorted({pk for pk in round_ids if pk is not None})
    if not ids:
        return
    now = timezone.now()
    targets = []
    for survey_round in SurveyRound.objects.filter(pk__in=ids).select_related("programme"):
        targets += [r.pk for r in _affected(survey_round)]
    RoundFigures.objects.filter(round_id__in=targets).update(stale=True, changed_at=now)
    # Many surveys in one transaction (the demo, a batch) queue each round's job once.
    _pending.ids = getattr(_pending, "ids", set()) | set(targets)
    transaction.on_commit(_enqueue_pending)


_pending = threading.local()


def _enqueue_pending() -> None:
    ids, _pending.ids = sorted(getattr(_pending, "ids", ())), set()
    for pk in ids:
        round_figures_task.enqueue(pk)


@task()
def round_figures_task(round_id: int) -> None:
    """Compute a survey round's figures again (after its surveys changed)."""
    from berdaya.programmes.models import SurveyRound

    survey_round = SurveyRound.objects.select_related("programme").filter(pk=round_id).first()
    if survey_round is not None:
        round_refresh(survey_round)


def rounds_rebuild(*, log=None) -> int:
    """Every round of every programme computed again (part of `berdaya refresh-figures`)."""
    from berdaya.programmes.models import SurveyRound

    count = 0
    for survey_round in SurveyRound.objects.select_related("programme").order_by("pk"):
        round_refresh(survey_round)
        count += 1
        if log:
            log(f"{survey_round.programme} · {survey_round.name}: round figures")
    return count


def round_rows(*, programme, village_code: str | None) -> list[RoundFigures]:
    """The stored rows of a programme's rounds for one village (or the whole programme,
    `village_code` None), in round order: one indexed query."""
    rows = RoundFigures.objects.filter(round__programme=programme).select_related("round")
    rows = (
        rows.filter(village_id=village_code) if village_code else rows.filter(village__isnull=True)
    )
    return list(rows.order_by("round__starts_on", "round_id"))


__all__ = [
    "CELLS",
    "Transition",
    "round_figures_task",
    "round_refresh",
    "round_rows",
    "round_surveys",
    "round_table",
    "rounds_changed",
    "rounds_rebuild",
    "table_figures",
    "transitions",
]
