"""Properties of the Alkire-Foster measures, on random deprivation matrices (hypothesis)."""

from __future__ import annotations

from fractions import Fraction as F

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.analysis import AlkireFoster, Dimension, Indicator, MPISpec

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    """A spec with random rational weights and k, and a random weighted, grouped matrix."""
    d = draw(st.integers(1, 5))
    raw = draw(st.lists(st.integers(1, 12), min_size=d, max_size=d))
    weights = [F(r, sum(raw)) for r in raw]
    k_den = draw(st.integers(1, 12))
    k = F(draw(st.integers(1, k_den)), k_den)
    indicators = [Indicator(f"i{j}", column=f"c{j}", weight=w) for j, w in enumerate(weights)]
    spec = MPISpec(dimensions=[Dimension("all", indicators)], k=k, vulnerable_from=min(k, F(1, 5)))
    n = draw(st.integers(1, 12))
    matrix = draw(st.lists(st.lists(st.booleans(), min_size=d, max_size=d), min_size=n, max_size=n))
    frame = pd.DataFrame({f"c{j}": [row[j] for row in matrix] for j in range(d)})
    frame["size"] = draw(st.lists(st.integers(1, 7), min_size=n, max_size=n))
    frame["village"] = draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    return spec, frame


def exact_measures(row, scale):
    pop, poor, censored = (
        int(row["population"]),
        int(row["poor_population"]),
        int(row["censored_score"]),
    )
    H = F(poor, pop)
    A = F(censored, poor * scale) if poor else None
    M0 = F(censored, pop * scale)
    return H, A, M0


def reference_score(spec, frame_row):
    return sum(i.weight for i in spec.indicators if frame_row[i.columns[0]])


@SETTINGS
@given(problems())
def test_poor_is_exactly_score_at_least_k(problem):
    spec, frame = problem
    result = AlkireFoster(spec, weight_column="size").compute(frame)
    units = result.units.to_pandas()
    for (_, row), (_, unit) in zip(frame.iterrows(), units.iterrows(), strict=True):
        score = reference_score(spec, row)
        assert F(int(unit.score_units), result.score_scale) == score
        assert bool(unit.poor) == (score >= spec.k)


@SETTINGS
@given(problems())
def test_m0_is_h_times_a(problem):
    spec, frame = problem
    result = AlkireFoster(spec, weight_column="size").compute(frame)
    row = result.overall.to_pandas().iloc[0]
    H, A, M0 = exact_measures(row, result.score_scale)
    if A is None:
        assert M0 == 0 and pd.isna(row["A"])
    else:
        assert M0 == H * A
        assert row["M0"] == pytest.approx(row["H"] * row["A"], rel=1e-14)
    # And M0 is the mean censored score, computed from the per-unit table.
    units = result.units.to_pandas()
    censored = sum(
        F(int(u.score_units), result.score_scale) * int(u.size)
        for u in units.itertuples()
        if u.poor
    )
    mean_censored_score = censored / int(units["size"].sum())
    assert mean_censored_score == M0


@SETTINGS
@given(problems())
def test_population_weighted_group_m0_add_up_to_the_total(problem):
    spec, frame = problem
    result = AlkireFoster(spec, weight_column="size").compute(frame, by="village")
    total = exact_measures(result.overall.to_pandas().iloc[0], result.score_scale)[2]
    groups = result.groups.to_pandas()
    population = int(groups.population.sum())
    weighted = sum(
        F(int(g.population), population) * exact_measures(g, result.score_scale)[2]
        for _, g in groups.iterrows()
    )
    assert weighted == total
    assert (groups.population_share * groups.M0).sum() == pytest.approx(
        float(total), rel=1e-12, abs=1e-15
    )
    assert groups.contribution_to_M0.sum() == pytest.approx(100.0 if total else 0.0, abs=1e-9)


@SETTINGS
@given(problems(), st.data())
def test_adding_a_deprivation_never_lowers_m0(problem, data):
    spec, frame = problem
    cells = [(i, c) for i in range(len(frame)) for c in frame.columns[:-2] if not frame.at[i, c]]
    if not cells:
        return
    i, column = data.draw(st.sampled_from(cells))
    worse = frame.copy()
    worse.at[i, column] = True
    mpi = AlkireFoster(spec, weight_column="size")
    before = mpi.compute(frame).overall.to_pandas().iloc[0]
    after = mpi.compute(worse).overall.to_pandas().iloc[0]
    assert exact_measures(after, mpi.score_scale)[2] >= exact_measures(before, mpi.score_scale)[2]


@SETTINGS
@given(st.lists(st.integers(0, 2), min_size=1, max_size=20))
def test_thirds_and_k_one_third_one_deprivation_makes_a_unit_poor(which):
    spec = MPISpec(
        dimensions=[
            Dimension("d", [Indicator(f"i{j}", column=f"c{j}") for j in range(3)], weight=1)
        ],
        k="1/3",
    )
    frame = pd.DataFrame({f"c{j}": [w == j for w in which] for j in range(3)})
    row = AlkireFoster(spec).compute(frame).overall.to_pandas().iloc[0]
    assert row["H"] == 1.0 and row["A"] == float(F(1, 3))
