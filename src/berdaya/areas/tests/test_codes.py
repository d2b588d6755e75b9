"""Area codes as people type them: with dots, spaces or nothing between the parts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from berdaya.areas.codes import normalise_code
from berdaya.core.errors import ValidationFailed


@pytest.mark.parametrize(
    "typed", ["3403062002", "34.03.06.2002", "34 03 06 2002", " 34.03.06.2002 "]
)
def test_a_village_code_typed_in_any_usual_way_becomes_the_dotted_code(typed):
    assert normalise_code(typed) == "34.03.06.2002"


@pytest.mark.parametrize(
    ("typed", "dotted"),
    [("34", "34"), ("3403", "34.03"), ("340306", "34.03.06"), ("34 03", "34.03")],
)
def test_province_regency_and_district_codes_are_normalised_too(typed, dotted):
    assert normalise_code(typed) == dotted


@pytest.mark.parametrize(
    "garbage",
    ["abc", "Girisekar", "34.03.06.200", "340306200", "3403062002x", "34.03.06.2002.1", "-", "1"],
)
def test_garbage_is_refused_with_a_message_that_names_what_was_typed(garbage):
    with pytest.raises(ValidationFailed) as caught:
        normalise_code(garbage)
    assert garbage in caught.value.message


def test_an_empty_code_is_refused():
    with pytest.raises(ValidationFailed):
        normalise_code("")


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_normalising_any_ten_digit_code_is_idempotent_and_keeps_the_digits(digits):
    dotted = normalise_code(digits)
    assert normalise_code(dotted) == dotted
    assert dotted.replace(".", "") == digits
    assert [len(part) for part in dotted.split(".")] == [2, 2, 2, 4]


@given(
    st.text(alphabet="0123456789", min_size=10, max_size=10),
    st.lists(st.sampled_from([" ", ".", "-"]), min_size=9, max_size=9),
)
def test_separators_between_digits_do_not_change_the_code(digits, separators):
    typed = digits[0] + "".join(
        sep + digit for sep, digit in zip(separators, digits[1:], strict=True)
    )
    assert normalise_code(typed) == normalise_code(digits)
