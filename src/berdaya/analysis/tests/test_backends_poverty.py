"""The same poverty, inequality and coverage code on DuckDB, PySpark and PostgreSQL.

Every test here runs once per backend (the ``ibis_backend`` fixture: DuckDB and PySpark
always, PostgreSQL in CI's PostgreSQL phase) and compares the backend's answer with a
reference computed below in plain Python with exact fractions, straight from the
definitions. Ratios of integers (H, A, M0, headcounts, contributions, P0, Gini, coverage)
must be *identical*: each is one division of two exact integers, which every backend rounds
the same way, so ``value == float(Fraction)``. Sums of floating-point gaps (M1, M2, P1, P2)
must agree to 10 decimal places (documented in docs/analysis.md).
"""

from __future__ import annotations

import math
import random
from fractions import Fraction as F
from itertools import product

import pytest

from berdaya.analysis import (
    FGT,
    GLOBAL_MPI,
    AlkireFoster,
    Coverage,
    Gini,
    IncomeDecile,
    PovertyLines,
    Scheme,
)

FLOAT_DECIMALS = 10

SCHEMA = {
    "household_id": "int64",
    "village": "string",
    "province_code": "string",
    "area": "string",
    "household_size": "int16",
    "undernourished_member": "boolean",
    "child_death_5y": "boolean",
    "max_years_schooling": "int32",
    "children_out_of_school": "int32",
    "cooking_fuel": "string",
    "improved_sanitation": "boolean",
    "safe_drinking_water": "boolean",
    "has_electricity": "boolean",
    "adequate_housing": "boolean",
    "small_assets": "int32",
    "owns_car": "boolean",
    "expenditure_per_capita": "int64",
    "pkh_enrolled": "boolean",
    "bpnt_enrolled": "int32",
}
VILLAGES = ["Girisekar", "Kemadang", "Bleberan"]
PROVINCES = [("33", "urban"), ("33", "rural"), ("34", "rural"), ("35", "urban"), (None, "rural")]
FUELS = ["lpg", "wood", "electric", "charcoal", "kerosene"]


def households(n: int = 48, seed: int = 2024) -> list[dict]:
    """A fixed, varied registry: deprivations, a few unknown values, incomes, enrolment."""
    rng = random.Random(seed)

    def flag(p: float, missing: float = 0.0):
        return None if rng.random() < missing else rng.random() < p

    rows = []
    for i in range(n):
        province, area = PROVINCES[i % len(PROVINCES)]
        rows.append(
            {
                "household_id": i + 1,
                "village": VILLAGES[i % 3],
                "province_code": province,
                "area": area,
                "household_size": rng.randint(1, 7),
                "undernourished_member": flag(0.3, missing=0.05),
                "child_death_5y": flag(0.1),
                "max_years_schooling": rng.choice([None, *range(0, 13)]),
                "children_out_of_school": rng.choice([0, 0, 0, 1, 2]),
                "cooking_fuel": rng.choice(FUELS),
                "improved_sanitation": flag(0.6),
                "safe_drinking_water": flag(0.7, missing=0.05),
                "has_electricity": flag(0.9),
                "adequate_housing": flag(0.6),
                "small_assets": rng.randint(0, 4),
                "owns_car": flag(0.1, missing=0.1),
                "expenditure_per_capita": rng.randrange(150_000, 1_200_000, 1_000),
                "pkh_enrolled": flag(0.4, missing=0.05),
                "bpnt_enrolled": rng.choice([0, 0, 1]),
            }
        )
    return rows


ROWS = households()


@pytest.fixture(scope="session")
def registry(ibis_backend):
    return ibis_backend.load({k: [r[k] for r in ROWS] for k in SCHEMA}, schema=SCHEMA)


# -- the reference: plain Python, exact fractions ----------------------------------------------

OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}


def deprived(row, indicator):
    """True/False, or None when the data cannot decide (three-valued logic)."""
    values = []
    for c in indicator.conditions:
        x = row[c.column]
        values.append(None if x is None else OPS[c.deprived_if](x, c.cutoff))
    if indicator.combine == "all":
        return False if False in values else (None if None in values else True)
    return True if True in values else (None if None in values else False)


def reference_scores(rows, spec, missing="drop"):
    """Per household: (deprivations, score as a Fraction or None, effective weights)."""
    out = {}
    for row in rows:
        d = {i.name: deprived(row, i) for i in spec.indicators}
        effective = {}
        dropped = False
        for dimension in spec.dimensions:
            known = [i for i in dimension.indicators if d[i.name] is not None]
            if missing == "drop" and len(known) < len(dimension.indicators):
                dropped = True
            if not known:
                dropped = True
                continue
            total = sum(i.weight for i in known)
            for i in known:
                effective[i.name] = dimension.weight * i.weight / total
        score = None if dropped else sum(effective[n] for n, v in d.items() if v)
        out[row["household_id"]] = (d, F(score) if score is not None else None, effective)
    return out


def reference_mpi(rows, spec, missing="drop", by="village"):
    scores = reference_scores(rows, spec, missing)
    groups = {}
    for row in rows:
        groups.setdefault(row[by] if by else None, []).append(row)
    total_population = sum(
        r["household_size"] for r in rows if scores[r["household_id"]][1] is not None
    )
    result = {}
    parts = {}
    for key, members in groups.items():
        pop = poor = vulnerable = severe = 0
        censored = F(0)
        unc = dict.fromkeys((i.name for i in spec.indicators), 0)
        cen = dict.fromkeys(unc, 0)
        share = dict.fromkeys(unc, F(0))
        dropped = 0
        for r in members:
            d, c, eff = scores[r["household_id"]]
            w = r["household_size"]
            if c is None:
                dropped += 1
                continue
            pop += w
            is_poor = c >= spec.k
            vulnerable += w if spec.vulnerable_from <= c < spec.k else 0
            severe += w if c >= spec.severe_from else 0
            for name, v in d.items():
                unc[name] += w if v else 0
                if is_poor and v:
                    cen[name] += w
                    share[name] += w * eff[name]
            if is_poor:
                poor += w
                censored += w * c
        parts[key] = censored
        result[key] = {
            "units": len(members) - dropped,
            "dropped": dropped,
            "population": pop,
            "population_share": F(pop, total_population),
            "poor_population": poor,
            "H": F(poor, pop),
            "A": censored / poor if poor else None,
            "M0": censored / pop,
            "vulnerable_ratio": F(vulnerable, pop),
            "severe_ratio": F(severe, pop),
            **{f"uncensored_{n}": F(v, pop) for n, v in unc.items()},
            **{f"censored_{n}": F(v, pop) for n, v in cen.items()},
            **{
                f"contribution_{n}": 100 * v / censored if censored else None
                for n, v in share.items()
            },
        }
    total = sum(parts.values())
    for key in result:
        result[key]["contribution_to_M0"] = 100 * parts[key] / total
    return result, scores


def check(actual, expected, *, decimals=None):
    """Exact equality with the correctly rounded Fraction (or rounding to `decimals`)."""
    if expected is None:
        assert actual is None or (isinstance(actual, float) and math.isnan(actual))
        return
    if decimals is not None:
        assert round(float(actual), decimals) == round(float(expected), decimals)
    elif isinstance(expected, F) and expected.denominator != 1:
        assert float(actual) == float(expected), (actual, expected)
    else:
        assert actual == expected, (actual, expected)


def rows_by(frame, key):
    return {row[key]: row for row in frame.to_dict("records")}


def clean(value):
    """None for the backends' various nulls (None, NaN, pd.NA)."""
    try:
        if value is None or value != value:
            return None
    except TypeError:  # pd.NA
        return None
    return value


# -- the tests ---------------------------------------------------------------------------------


def test_mpi_by_village_is_exact_on_every_backend(registry):
    expected, scores = reference_mpi(ROWS, GLOBAL_MPI)
    result = AlkireFoster(GLOBAL_MPI, weight_column="household_size").compute(
        registry, by="village"
    )
    groups = rows_by(result.groups.to_pandas(), "village")
    assert set(groups) == set(VILLAGES)
    for village, want in expected.items():
        for column, value in want.items():
            check(clean(groups[village][column]), value)
    (overall,) = result.overall.to_pandas().to_dict("records")
    whole, _ = reference_mpi(ROWS, GLOBAL_MPI, by=None)
    for column, value in whole[None].items():
        check(clean(overall[column]), value)
    assert sum(r["dropped"] for r in groups.values()) == overall["dropped"] > 0

    units = rows_by(result.units.to_pandas(), "household_id")
    for household_id, (_, score, _) in scores.items():
        row = units[household_id]
        if score is None:
            assert clean(row["score_units"]) is None and not row["included"]
            assert clean(row["poor"]) is None
            continue
        assert row["included"]
        assert F(int(row["score_units"]), result.score_scale) == score
        assert bool(row["poor"]) == (score >= GLOBAL_MPI.k)
        assert bool(row["vulnerable"]) == (F(1, 5) <= score < F(1, 3))
        assert bool(row["severe"]) == (score >= F(1, 2))

    long = result.indicators.to_pandas()
    assert len(long) == 3 * len(GLOBAL_MPI.indicators)
    for row in long.to_dict("records"):
        want = expected[row["village"]]
        check(row["censored_headcount"], want[f"censored_{row['indicator']}"])
        check(row["uncensored_headcount"], want[f"uncensored_{row['indicator']}"])


def test_mpi_reweighting_missing_indicators_on_every_backend(registry):
    expected, _ = reference_mpi(ROWS, GLOBAL_MPI, missing="reweight")
    result = AlkireFoster(GLOBAL_MPI, weight_column="household_size", missing="reweight").compute(
        registry, by="village"
    )
    groups = rows_by(result.groups.to_pandas(), "village")
    for village, want in expected.items():
        for column, value in want.items():
            check(clean(groups[village][column]), value)


def test_fgt_with_bps_lines_on_every_backend(registry):
    lines = PovertyLines.bps("2024-03").with_line(420_000, province_code="33", area="rural")
    result = FGT(
        income="expenditure_per_capita", poverty_line=lines, weight_column="household_size"
    ).compute(registry, by="village")
    expected = {}
    for village in VILLAGES:
        members = [r for r in ROWS if r["village"] == village]
        pop = sum(r["household_size"] for r in members)
        sums = [F(0), F(0), F(0)]
        for r in members:
            z = lines.lookup(r["province_code"], r["area"])
            y = r["expenditure_per_capita"]
            if y < z:
                gap = F(z - y, z)
                for alpha in range(3):
                    sums[alpha] += r["household_size"] * gap**alpha
        expected[village] = [s / pop for s in sums]
    groups = rows_by(result.groups.to_pandas(), "village")
    for village, (p0, p1, p2) in expected.items():
        check(groups[village]["P0"], p0)
        check(groups[village]["P1"], p1, decimals=FLOAT_DECIMALS)
        check(groups[village]["P2"], p2, decimals=FLOAT_DECIMALS)
    # Additive decomposability: population-weighted group P_alpha sum to the total.
    (overall,) = result.overall.to_pandas().to_dict("records")
    total_pop = sum(r["household_size"] for r in ROWS)
    for alpha, column in enumerate(("P0", "P1", "P2")):
        total = (
            sum(
                sum(r["household_size"] for r in ROWS if r["village"] == v) * expected[v][alpha]
                for v in VILLAGES
            )
            / total_pop
        )
        check(overall[column], total, decimals=None if alpha == 0 else FLOAT_DECIMALS)


def reference_gini(pairs):
    """Mean absolute difference over all ordered pairs / (2 * mean): the definition."""
    W = sum(w for _, w in pairs)
    Y = sum(y * w for y, w in pairs)
    total = sum(wi * wj * abs(yi - yj) for (yi, wi), (yj, wj) in product(pairs, pairs))
    return F(total, 2 * W * Y)


def test_gini_and_its_decomposition_on_every_backend(registry):
    result = Gini(income="expenditure_per_capita", weight_column="household_size").compute(
        registry, by="village"
    )
    pairs = {
        v: [(r["expenditure_per_capita"], r["household_size"]) for r in ROWS if r["village"] == v]
        for v in VILLAGES
    }
    everyone = [p for v in VILLAGES for p in pairs[v]]
    gini = reference_gini(everyone)
    (overall,) = result.overall.to_pandas().to_dict("records")
    check(overall["gini"], gini)
    groups = rows_by(result.groups.to_pandas(), "village")
    W = sum(w for _, w in everyone)
    Y = sum(y * w for y, w in everyone)
    within = F(0)
    for village in VILLAGES:
        g = reference_gini(pairs[village])
        check(groups[village]["gini"], g)
        w_g = sum(w for _, w in pairs[village])
        y_g = sum(y * w for y, w in pairs[village])
        within += F(w_g, W) * F(y_g, Y) * g
    means = [
        (
            F(sum(y * w for y, w in pairs[v]), sum(w for _, w in pairs[v])),
            sum(w for _, w in pairs[v]),
        )
        for v in VILLAGES
    ]
    between = reference_gini(means)
    (parts,) = result.decomposition.to_pandas().to_dict("records")
    check(parts["gini"], gini)
    check(parts["within"], within)
    check(parts["between"], between)
    check(parts["overlap"], gini - within - between)


def test_coverage_and_the_excluded_list_on_every_backend(registry):
    pkh = Scheme(
        "PKH", eligible=IncomeDecile("expenditure_per_capita", at_most=4), enrolled="pkh_enrolled"
    )
    bpnt = Scheme(
        "BPNT",
        eligible=[lambda t: t.max_years_schooling < 9, "undernourished_member"],
        enrolled="bpnt_enrolled",
    )
    result = Coverage([pkh, bpnt], list_columns=["household_id", "village"]).compute(
        registry, by="village"
    )
    # The reference: deciles by cumulative share of households (ties share a decile).
    incomes = sorted(r["expenditure_per_capita"] for r in ROWS)
    n = len(incomes)

    def decile(y):
        return math.ceil(F(10 * sum(1 for x in incomes if x <= y), n))

    rules = {
        "PKH": (
            lambda r: decile(r["expenditure_per_capita"]) <= 4,
            lambda r: bool(r["pkh_enrolled"]),
        ),
        "BPNT": (
            lambda r: bool(
                r["max_years_schooling"] is not None
                and r["max_years_schooling"] < 9
                and r["undernourished_member"]
            ),
            lambda r: r["bpnt_enrolled"] == 1,
        ),
    }
    groups = {
        (row["scheme"], row["village"]): row for row in result.groups.to_pandas().to_dict("records")
    }
    excluded = {
        (r["scheme"], r["household_id"]) for r in result.excluded.to_pandas().to_dict("records")
    }
    want_excluded = set()
    for scheme, (eligible, enrolled) in rules.items():
        for village in VILLAGES:
            members = [r for r in ROWS if r["village"] == village]
            e = [r for r in members if eligible(r)]
            en = [r for r in members if enrolled(r)]
            both = [r for r in e if enrolled(r)]
            row = groups[(scheme, village)]
            assert (row["population"], row["eligible"], row["enrolled"]) == (
                len(members),
                len(e),
                len(en),
            )
            assert row["eligible_enrolled"] == len(both)
            check(clean(row["coverage"]), F(len(both), len(e)) if e else None)
            check(clean(row["exclusion_error"]), F(len(e) - len(both), len(e)) if e else None)
            check(clean(row["inclusion_error"]), F(len(en) - len(both), len(en)) if en else None)
            want_excluded |= {(scheme, r["household_id"]) for r in e if not enrolled(r)}
    assert excluded == want_excluded and excluded
