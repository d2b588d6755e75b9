"""ChampionRanking: likely local champions, ranked, each with readable reasons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from ._measures import top_percent
from ._messages import sentence

#: Measure → weight in the champion score (each measure enters as a percentile rank).
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "pagerank": 0.30,
    "betweenness": 0.25,
    "degree": 0.20,
    "advice_in": 0.15,
    "communities_linked": 0.10,
}

#: Values of the insider column (lower case) that mark a person living in poverty.
INSIDER_VALUES = ("poor", "very poor", "extreme", "severe", "miskin", "sangat miskin")

REQUIRED = ("node", "degree", "betweenness", "pagerank", "communities_linked", "broker")
ADDED = ("insider", "reasons", "reason_en", "reason_id")


class ChampionRanking:
    """Rank people as likely local champions from a NetworkMeasures table, with reasons.

    The score is a weighted mean of percentile ranks: for each measure in `weights`, the
    share of the other people (in the same `by` group) who score strictly less, from 0 to
    1. Ties in the score keep the network's order.

    Parameters
    ----------
    weights
        Measure column → weight (default `DEFAULT_WEIGHTS`: PageRank 0.30, betweenness 0.25,
        degree 0.20, advice_in 0.15, communities_linked 0.10); rescaled to sum to 1.
    top
        Keep only the first `top` people (per group); default: everyone.
    by
        Rank within groups of this node column (e.g. "village"), so each group has its own
        champions and its own percentiles.
    reason_top_percent
        A measure is given as a reason when the person is in its top `reason_top_percent` %
        (default 10).
    insider_column, insider_values
        A node column and the values (any case) that mark a poor household; such people get
        the reason "a voice from inside". It does not change the score.

    `rank(measures)` returns the measures table's columns plus, per person:
    `rank` (1 = most likely champion; per group with `by`), `score` (0-1),
    `degree_top_percent`, `advice_top_percent` (when there is an `advice_in` column),
    `betweenness_top_percent`, `pagerank_top_percent` (the percentage of people scoring at
    least as much, rounded up: 5 means "top 5%"), `insider` (bool),
    `reasons` (reason codes joined by ";": advice, ties, bridge, between, listened,
    insider, no_ties), `reason_en` and `reason_id` (the same reasons as sentences). Every
    person gets at least one reason: when none reaches the top percentage, their strongest
    measure is given with its percentage.
    """

    def __init__(
        self,
        *,
        weights: Mapping[str, float] | None = None,
        top: int | None = None,
        by: str | None = None,
        reason_top_percent: float = 10.0,
        insider_column: str = "poverty_status",
        insider_values: Iterable[str] = INSIDER_VALUES,
    ) -> None:
        self.weights = weights
        self.top = top
        self.by = by
        self.reason_top_percent = reason_top_percent
        self.insider_column = insider_column
        self.insider_values = tuple(insider_values)

    def rank(self, measures: pd.DataFrame) -> pd.DataFrame:
        for column in REQUIRED:
            if column not in measures.columns:
                raise AnalysisError(f"measures: missing column '{column}'")
        weights = self._weights(measures)
        added = ["rank", "score", *self._top_columns(measures), *ADDED]
        clash = [column for column in added if column in measures.columns]
        if clash:
            raise AnalysisError(
                f"measures: column '{clash[0]}' has the name of a ranking column; rename it"
            )
        table = measures.reset_index(drop=True).copy()
        if self.by is not None:
            if self.by not in table.columns:
                raise AnalysisError(f"champions: no column '{self.by}' to rank by")
            groups = table.groupby(self.by, sort=False, dropna=False).indices.values()
        else:
            groups = [np.arange(len(table))]

        score = np.zeros(len(table))
        tops = {name: np.zeros(len(table), dtype=np.int64) for name in self._top_columns(table)}
        rank = np.zeros(len(table), dtype=np.int64)
        for rows in groups:
            rows = np.asarray(rows)
            part = table.iloc[rows]
            for measure, weight in weights.items():
                score[rows] += weight * _percentile(part[measure].to_numpy(dtype=float))
            for name, source in self._top_columns(table).items():
                tops[name][rows] = top_percent(part[source].to_numpy(dtype=float))
            order = np.lexsort((rows, -np.round(score[rows], 12)))
            rank[rows[order]] = np.arange(1, len(rows) + 1)

        table.insert(0, "score", np.round(score, 6))
        table.insert(0, "rank", rank)
        for name, values in tops.items():
            table[name] = values
        table["insider"] = self._insider(table)
        codes, english, indonesian = self._reasons(table)
        table["reasons"] = codes
        table["reason_en"] = english
        table["reason_id"] = indonesian

        keys = ([self.by] if self.by is not None else []) + ["rank"]
        table = table.sort_values(keys, kind="stable").reset_index(drop=True)
        if self.top is not None:
            table = table[table["rank"] <= self.top].reset_index(drop=True)
        return table

    def _weights(self, measures: pd.DataFrame) -> dict[str, float]:
        chosen = dict(DEFAULT_WEIGHTS if self.weights is None else self.weights)
        if self.weights is None and "advice_in" not in measures.columns:
            chosen.pop("advice_in")
        for name, weight in chosen.items():
            if name not in measures.columns:
                raise AnalysisError(f"champion weights: no measure column '{name}'")
            if not np.isfinite(weight) or weight < 0:
                raise AnalysisError(f"champion weights: '{name}' has weight {weight}")
        total = sum(chosen.values())
        if total <= 0:
            raise AnalysisError("champion weights: at least one weight must be above 0")
        return {name: weight / total for name, weight in chosen.items()}

    @staticmethod
    def _top_columns(table: pd.DataFrame) -> dict[str, str]:
        columns = {"degree_top_percent": "degree"}
        if "advice_in" in table.columns:
            columns["advice_top_percent"] = "advice_in"
        columns["betweenness_top_percent"] = "betweenness"
        columns["pagerank_top_percent"] = "pagerank"
        return columns

    def _insider(self, table: pd.DataFrame) -> np.ndarray:
        column = self.insider_column
        if column not in table.columns:
            return np.zeros(len(table), dtype=bool)
        values = {value.strip().lower() for value in self.insider_values}
        text = table[column].astype("string").str.strip().str.lower()
        return text.isin(values).fillna(False).to_numpy(dtype=bool)

    def _reasons(self, table: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
        limit = self.reason_top_percent
        has_advice = "advice_in" in table.columns
        columns = [
            "degree",
            "degree_top_percent",
            "betweenness",
            "betweenness_top_percent",
            "pagerank_top_percent",
            "communities_linked",
            "broker",
            "insider",
        ]
        if has_advice:
            columns += ["advice_in", "advice_top_percent"]
        codes, english, indonesian = [], [], []
        for row in table[columns].itertuples(index=False):
            parts: list[tuple[str, dict[str, object]]] = []
            advice = int(row.advice_in) if has_advice else 0
            if advice > 0 and row.advice_top_percent <= limit:
                parts.append(("advice", {"n": advice, "top": int(row.advice_top_percent)}))
            if row.degree > 0 and row.degree_top_percent <= limit:
                parts.append(("ties", {"n": int(row.degree), "top": int(row.degree_top_percent)}))
            if row.broker or row.communities_linked >= 3:
                parts.append(("bridge", {"k": int(row.communities_linked)}))
            if row.betweenness > 0 and row.betweenness_top_percent <= limit:
                parts.append(("between", {"top": int(row.betweenness_top_percent)}))
            if row.degree > 0 and row.pagerank_top_percent <= limit:
                parts.append(("listened", {"top": int(row.pagerank_top_percent)}))
            if not parts:
                parts.append(_strongest(row, advice))
            if row.insider:
                parts.append(("insider", {}))
            codes.append(";".join(code for code, _values in parts))
            english.append(sentence(parts, "en"))
            indonesian.append(sentence(parts, "id"))
        return codes, english, indonesian


def _strongest(row, advice: int) -> tuple[str, dict[str, object]]:
    """The person's best measure, for someone in no top group."""
    if row.degree == 0:
        return ("no_ties", {})
    options = [
        (
            int(row.degree_top_percent),
            1,
            ("ties", {"n": int(row.degree), "top": int(row.degree_top_percent)}),
        )
    ]
    if advice > 0:
        options.append(
            (
                int(row.advice_top_percent),
                0,
                ("advice", {"n": advice, "top": int(row.advice_top_percent)}),
            )
        )
    if row.betweenness > 0:
        options.append(
            (
                int(row.betweenness_top_percent),
                2,
                ("between", {"top": int(row.betweenness_top_percent)}),
            )
        )
    return min(options, key=lambda option: option[:2])[2]


def _percentile(values: np.ndarray) -> np.ndarray:
    """Share of the others scoring strictly less: 0 for the lowest, 1 for a unique top."""
    n = len(values)
    if n <= 1:
        return np.zeros(n)
    below = np.searchsorted(np.sort(values), values, side="left")
    return below / (n - 1)
