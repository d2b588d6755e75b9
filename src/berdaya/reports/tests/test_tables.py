"""How a report prints numbers (Indonesian style), checked on examples and as a property."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from berdaya.reports.tables import COUNT, RUPIAH, SHARE, VALUE, shown


def test_worked_examples():
    assert shown(1250000, RUPIAH) == "Rp1.250.000"
    assert shown(1234, COUNT) == "1.234"
    assert shown(Fraction(1, 3), SHARE) == "33,3 %"
    assert shown(Fraction(5, 2), VALUE) == "2,5"
    assert shown(None, COUNT) == "—"


@given(st.integers(min_value=0, max_value=10**15))
def test_a_printed_count_reads_back_as_the_same_number(n):
    printed = shown(n, COUNT)
    assert int(printed.replace(".", "")) == n
    assert shown(n, RUPIAH) == "Rp" + printed
