"""NIK/KK structure and the record rules (validation.py)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from berdaya.registry.records import HouseholdRecord, MemberRecord, Where
from berdaya.registry.validation import check_kk, check_nik, nik_birth_date, validate_households

DISTRICTS = {"34.03.06", "34.03.07"}
VILLAGE = "34.03.06.2002"


def _nik(day: int, month: int, year: int, *, woman=False, district="340306", serial=1) -> str:
    return f"{district}{day + (40 if woman else 0):02d}{month:02d}{year % 100:02d}{serial:04d}"


@given(
    birth=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2024, 12, 31)),
    woman=st.booleans(),
    serial=st.integers(1, 9999),
)
def test_a_well_formed_nik_passes_and_encodes_birth_date_and_sex(birth, woman, serial):
    nik = _nik(birth.day, birth.month, birth.year, woman=woman, serial=serial)
    sex = "P" if woman else "L"
    result = check_nik(nik, sex=sex, birth_date=birth, district_codes=DISTRICTS)
    assert result.errors == () and result.warnings == ()
    encoded, encoded_sex = nik_birth_date(nik)
    assert (encoded.day, encoded.month, encoded.year % 100) == (
        birth.day,
        birth.month,
        birth.year % 100,
    )
    assert encoded_sex == sex


def test_structure_errors_are_errors_and_mismatches_only_warnings():
    assert check_nik("12345", district_codes=DISTRICTS).errors  # too short
    assert check_nik("34030A1203800001", district_codes=DISTRICTS).errors  # not digits
    assert check_nik(_nik(12, 3, 80, district="349999"), district_codes=DISTRICTS).errors
    assert check_nik(_nik(31, 2, 80), district_codes=DISTRICTS).errors  # 31 February
    assert check_nik(_nik(12, 13, 80), district_codes=DISTRICTS).errors  # month 13
    assert check_nik(_nik(12, 3, 80, serial=0), district_codes=DISTRICTS).errors
    mismatch = check_nik(
        _nik(12, 3, 80), sex="P", birth_date=datetime.date(1980, 3, 13), district_codes=DISTRICTS
    )
    assert mismatch.errors == ()
    assert len(mismatch.warnings) == 2  # another day and another sex: for a person to check


def test_kk_needs_16_digits_and_warns_on_an_unknown_district():
    assert check_kk("340306120380", district_codes=DISTRICTS).errors
    unknown = check_kk("9999991203800001", district_codes=DISTRICTS)
    assert unknown.errors == () and unknown.warnings


def _record(**overrides) -> HouseholdRecord:
    members = overrides.pop("members", None) or [
        MemberRecord(name="Paimin", sex="L", relation="head", nik=_nik(12, 3, 80), where=Where(2)),
        MemberRecord(
            name="Sumini",
            sex="P",
            relation="spouse",
            nik=_nik(5, 5, 83, woman=True),
            where=Where(3),
        ),
    ]
    overrides.setdefault("village_code", VILLAGE)
    return HouseholdRecord(members=members, where=Where(2), **overrides)


def _validate(records, **kwargs):
    return validate_households(
        records,
        village_code=VILLAGE,
        district_codes=DISTRICTS,
        today=datetime.date(2025, 6, 1),
        **kwargs,
    )


def test_every_problem_is_reported_with_its_row_and_column_and_identifiers_are_masked():
    bad = _record(
        survey={"floor": "marble", "assets": ["tv", "jet"], "land_m2": -5},
        members=[
            MemberRecord(name="", sex="X", relation="head", nik="3403061203", where=Where(7)),
            MemberRecord(
                name="Anak",
                sex="L",
                relation="child",
                birth_date=datetime.date(2030, 1, 1),
                where=Where(8),
            ),
        ],
    )
    report = _validate([bad])
    found = {(p.row, p.column) for p in report.errors}
    assert {
        (2, "floor"),
        (2, "assets"),
        (2, "land_m2"),
        (7, "name"),
        (7, "sex"),
        (7, "nik"),
        (8, "birth_date"),
    } <= found
    nik_problem = next(p for p in report.errors if p.column == "nik")
    assert "3403061203" not in nik_problem.value


def test_another_village_a_duplicate_nik_and_a_second_head_are_errors():
    first = _record()
    second = _record(
        village_code="34.03.07.2003",
        members=[
            MemberRecord(
                name="Kembar", sex="L", relation="head", nik=_nik(12, 3, 80), where=Where(9)
            ),
            MemberRecord(name="Kepala lain", sex="L", relation="head", where=Where(10)),
        ],
    )
    report = _validate([first, second])
    reasons = {p.column: p.reason for p in report.errors}
    assert "village_code" in reasons and "nik" in reasons and "members" in reasons
    assert " 2" in reasons["nik"]  # points back to the first occurrence (row 2)


def test_a_submission_imported_before_is_skipped_not_checked():
    old = _record(uuid="uuid:1", survey={"floor": "not-a-floor"})
    assert _validate([old], existing_uuids={"uuid:1"}).ok
    assert not _validate([old]).ok


def test_column_names_from_the_file_are_used_in_the_report():
    report = _validate(
        [_record(survey={"floor": "marble"})], column_names={"floor": "rumah/lantai"}
    )
    assert report.errors[0].column == "rumah/lantai"
