"""Disaggregations add up by construction (TolaData's failure mode, made impossible)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from berdaya.learning.arithmetic import (
    UNKNOWN,
    DoesNotAddUp,
    Value,
    ValueError_,
    check_value,
    disaggregate,
    split,
)

DIMENSIONS = ("sex", "age_band", "poverty")
CATEGORIES = {"sex": ("L", "P"), "age_band": ("child", "adult"), "poverty": ("poor", "not_poor")}


@st.composite
def count_breakdowns(draw):
    total = draw(st.integers(min_value=0, max_value=10_000))
    parts = {}
    for dimension in DIMENSIONS:
        remaining = total
        chosen = {}
        for category in draw(st.lists(st.sampled_from(CATEGORIES[dimension]), unique=True)):
            value = draw(st.integers(min_value=0, max_value=remaining))
            remaining -= value
            chosen[category] = Value(value)
        parts[dimension] = chosen
    return Value(total), parts


@given(count_breakdowns())
def test_every_dimension_sums_to_the_total(case):
    total, parts = case
    result_total, result = disaggregate(total, parts, dimensions=DIMENSIONS, share=False)
    assert result_total == total
    for dimension in DIMENSIONS:
        assert sum(v.numerator for v in result[dimension].values()) == total.numerator
        assert result[dimension][UNKNOWN].numerator >= 0
        for category, value in parts[dimension].items():
            assert result[dimension][category] == value  # what was typed is kept


@st.composite
def share_breakdowns(draw):
    denominator = draw(st.integers(min_value=1, max_value=5_000))
    numerator = draw(st.integers(min_value=0, max_value=denominator))
    known = {}
    left_n, left_d = numerator, denominator
    for category in ("L", "P"):
        if not draw(st.booleans()):
            continue
        d = draw(st.integers(min_value=0, max_value=left_d))
        n = draw(st.integers(min_value=max(0, left_n - (left_d - d)), max_value=min(d, left_n)))
        known[category] = Value(n, d)
        left_n, left_d = left_n - n, left_d - d
    return Value(numerator, denominator), known


@given(share_breakdowns())
def test_a_percentage_breakdown_sums_numerators_and_denominators(case):
    total, known = case
    parts = split(total, known, share=True)
    assert sum(v.numerator for v in parts.values()) == total.numerator
    assert sum(v.denominator for v in parts.values()) == total.denominator
    assert all(v.numerator <= v.denominator for v in parts.values())


@given(
    st.integers(min_value=0, max_value=1000),
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=4),
)
def test_parts_above_the_total_are_refused_never_stored(total, values):
    known = {f"c{i}": Value(v) for i, v in enumerate(values)}
    if sum(values) > total:
        with pytest.raises(DoesNotAddUp):
            split(Value(total), known, share=False)
    else:
        assert sum(v.numerator for v in split(Value(total), known, share=False).values()) == total


def test_the_total_is_the_sum_of_the_first_breakdown_when_not_typed():
    total, result = disaggregate(
        None,
        {"sex": {"L": Value(8), "P": Value(15)}, "poverty": {"poor": Value(10)}},
        dimensions=DIMENSIONS,
        share=False,
    )
    assert total == Value(23)
    assert result["sex"][UNKNOWN] == Value(0)
    assert result["poverty"][UNKNOWN] == Value(13)
    assert result["age_band"] == {UNKNOWN: Value(23)}  # not broken down: all unknown


@pytest.mark.parametrize(
    ("value", "share", "code"),
    [
        (Value(7, 5), True, "numerator_above_denominator"),
        (Value(3, 0), True, "no_denominator"),
        (Value(3), True, "no_denominator"),
        (Value(-1), False, "negative"),
        (Value(3, 4), False, "count_has_denominator"),
    ],
)
def test_bad_values_are_refused(value, share, code):
    with pytest.raises(ValueError_) as refused:
        check_value(value, share=share)
    assert refused.value.code == code


def test_unknown_is_never_typed():
    with pytest.raises(ValueError_) as refused:
        split(Value(10), {UNKNOWN: Value(2)}, share=False)
    assert refused.value.code == "unknown_typed"


def test_a_share_whose_remainder_would_exceed_its_denominator_is_refused():
    # 9 of 10 in total; the known women are 1 of 8, so the rest would be 8 of 2.
    with pytest.raises(DoesNotAddUp) as refused:
        split(Value(9, 10), {"P": Value(1, 8)}, share=True)
    assert refused.value.code == "unknown_share_impossible"
