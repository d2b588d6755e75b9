"""The XLSForm checks what the import checks: NIK/KK structure, one head, the repeat count
tied to the household size, age-appropriate questions, counts, a message on every
constraint, a version that follows the content; and it passes ODK Validate."""

from __future__ import annotations

import datetime
import io
import re
import shutil

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from berdaya.core.validators import column_range
from berdaya.programmes.services import programme_create
from berdaya.registry.models import CustomQuestion, HouseholdSurvey
from berdaya.registry.records import HouseholdRecord, MemberRecord, Where
from berdaya.registry.services import custom_question_add
from berdaya.registry.validation import (
    _COUNTS,
    ASKED_OF,
    age_on,
    check_kk,
    check_nik,
    nik_birth_date,
    validate_households,
)
from berdaya.registry.xlsform import (
    HOUSEHOLD_SIZE,
    PEOPLE_LIST,
    form_build,
    form_for_programme,
    form_version,
    nik_pattern,
    xlsform_build,
)

pytestmark = pytest.mark.usefixtures("english")

GIRISEKAR = "34.03.06.2002"
DISTRICTS = {"34.03.06", "34.03.07"}


def _survey(content: bytes) -> dict[str, dict]:
    rows = list(load_workbook(io.BytesIO(content))["survey"].iter_rows(values_only=True))
    return {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[1]}


def _sheet(content: bytes, name: str) -> list[dict]:
    rows = list(load_workbook(io.BytesIO(content))[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_odk_validate_accepts_the_general_and_a_programmes_form_with_its_people(demo):
    """pyxform converts and ODK Validate (JavaRosa, Java 17) checks both forms: every
    relevance, constraint, calculation, choice filter and the repeat count parse."""
    assert shutil.which("java"), "ODK Validate needs Java (17 is on the machine)"
    general = xlsform_build(form_build())
    programme = form_for_programme(demo.programme, user=demo.users["manajer"])
    assert programme.lists[PEOPLE_LIST], "the demo villages have people to pick"
    for content in (general, xlsform_build(programme)):
        warnings: list[str] = []
        result = convert(content, warnings=warnings, validate=True)
        assert warnings == []
        assert 'jr:count=" /data/identitas/jumlah_anggota "' in result.xform
    assert "instance('orang')/root/item[desa =  /data/lokasi/kode_desa ]" in result.xform


def test_the_nik_pattern_accepts_exactly_the_birth_dates_the_import_accepts():
    """Every DDMMYY (day + 40 for women) against `validation.nik_birth_date`."""
    pattern = re.compile(nik_pattern(["34", "35"]))
    for day in range(100):
        for month in range(100):
            for year in range(100):
                nik = f"340306{day:02d}{month:02d}{year:02d}0001"
                accepted = bool(pattern.fullmatch(nik))
                assert accepted == (nik_birth_date(nik)[0] is not None), nik


@pytest.mark.parametrize(
    ("nik", "accepted"),
    [
        ("3403065203800001", True),  # a woman born 12 March 1980
        ("3503061203800012", True),  # another loaded province
        ("3403062902040001", True),  # 29 February 2004
        ("3403062902030001", False),  # no 29 February in 2003
        ("3403061203800000", False),  # serial 0000
        ("1103061203800001", False),  # a province not loaded: no district the import knows
        ("340306120380001", False),  # 15 digits
        ("34030612038000011", False),  # 17 digits
    ],
)
def test_the_nik_constraint_refuses_what_the_import_refuses(nik, accepted):
    assert bool(re.fullmatch(nik_pattern(["34", "35"]), nik)) == accepted
    if accepted:
        assert not check_nik(nik, district_codes={"34.03.06", "35.03.06"}).errors
    else:
        assert check_nik(nik, district_codes={"34.03.06", "35.03.06"}).errors


def test_the_form_s_nik_constraint_uses_the_loaded_provinces(db):
    survey = _survey(xlsform_build(form_build()))
    assert survey["nik"]["constraint"] == f"regex(., '{nik_pattern(['34'])}')"
    assert survey["no_kk"]["constraint"] == "regex(., '^[0-9]{16}$')"


def test_every_constraint_has_a_message_in_both_languages_and_lists_have_no_typing_hints(demo):
    content = xlsform_build(form_for_programme(demo.programme, user=demo.users["manajer"]))
    survey = _survey(content)
    constrained = [row for row in survey.values() if row["constraint"]]
    assert len(constrained) >= 12
    for row in constrained:
        assert row["constraint_message::Indonesian (id)"], row["name"]
        assert row["constraint_message::English (en)"], row["name"]
    for row in survey.values():
        if row["type"].startswith("select_"):
            assert not row["hint::Indonesian (id)"] and not row["hint::English (en)"], row["name"]
            assert "numbers" not in (row["appearance"] or ""), row["name"]
    assert survey["kode_desa"]["type"] == "select_one desa"


def test_counts_are_whole_numbers_from_zero_within_the_registry_column(db):
    survey = _survey(xlsform_build(form_build()))
    by_key = {q.key: q for q in form_build().questions()}
    for key in _COUNTS:
        name = by_key[key].name
        assert survey[name]["constraint"].startswith(". >= 0 and . <= "), name
    low, high = column_range(HouseholdSurvey, "cattle")
    assert survey["sapi"]["constraint"] == f". >= {max(0, low)} and . <= {high}"
    assert survey[HOUSEHOLD_SIZE]["constraint"] == ". >= 1 and . <= 50"
    assert survey["anggota"]["repeat_count"] == f"${{{HOUSEHOLD_SIZE}}}"


def test_one_head_is_required_before_the_form_can_be_finished(db):
    survey = _survey(xlsform_build(form_build()))
    check = survey["cek_kepala"]
    assert check["required"] == "yes"
    assert check["constraint"] == "${jumlah_kepala} = 1"
    assert "${jumlah_kepala} != 1" in check["relevant"]
    assert survey["jumlah_kepala"]["calculation"] == "count(${hubungan}[. = 'head'])"


def test_age_appropriate_questions_follow_the_import_s_rules(db):
    survey = _survey(xlsform_build(form_build()))
    assert survey["hamil"]["relevant"] == (
        "${jenis_kelamin} = 'P' and (${tanggal_lahir} = '' or (${umur} >= 10 and ${umur} <= 55))"
    )
    assert survey["sekolah"]["relevant"] == (
        "(${tanggal_lahir} = '' or (${umur} >= 5 and ${umur} <= 24))"
    )
    for name in ("status_kawin", "pekerjaan"):
        assert survey[name]["relevant"] == "(${tanggal_lahir} = '' or (${umur} >= 10))"
    assert survey["gizi_kurang"]["relevant"] == "(${tanggal_lahir} = '' or (${umur} <= 70))"
    assert "${gizi_cara_id}" in survey["gizi_kurang"]["label::Indonesian (id)"]
    assert "${gizi_cara_en}" in survey["gizi_kurang"]["label::English (en)"]
    assert (ASKED_OF["pregnant"].minimum, ASKED_OF["pregnant"].maximum) == (10, 55)


def _record(member: MemberRecord, *, kk: str = "") -> HouseholdRecord:
    head = MemberRecord(name="Paimin", sex="L", relation="head", where=Where(2))
    return HouseholdRecord(
        village_code=GIRISEKAR,
        members=[head, member] if member.relation != "head" else [member],
        kk=kk,
        surveyed_on=datetime.date(2025, 6, 1),
        where=Where(2),
    )


def _warnings(record: HouseholdRecord) -> list[tuple[str, str]]:
    report = validate_households(
        [record], village_code=GIRISEKAR, district_codes=DISTRICTS, today=datetime.date(2025, 7, 1)
    )
    assert report.errors == []
    return [(w.column, w.reason) for w in report.warnings]


@pytest.mark.parametrize(
    ("overrides", "column"),
    [
        ({"sex": "L", "pregnant": True}, "pregnant"),
        ({"sex": "P", "pregnant": True, "birth_date": datetime.date(1960, 1, 1)}, "pregnant"),
        ({"attending_school": True, "birth_date": datetime.date(1990, 1, 1)}, "attending_school"),
        ({"marital_status": "married", "birth_date": datetime.date(2018, 1, 1)}, "marital_status"),
        ({"occupation": "farmer", "birth_date": datetime.date(2018, 1, 1)}, "occupation"),
        ({"undernourished": True, "birth_date": datetime.date(1950, 1, 1)}, "undernourished"),
    ],
)
def test_an_answer_the_form_would_not_have_asked_is_imported_with_a_warning(overrides, column):
    member = MemberRecord(name="Sari", sex="P", relation="child", where=Where(3))
    for name, value in overrides.items():
        setattr(member, name, value)
    assert [c for c, _reason in _warnings(_record(member))] == [column]


def test_answers_within_the_band_and_harmless_ones_are_not_warned():
    fine = [
        {"sex": "P", "pregnant": True, "birth_date": datetime.date(1990, 6, 1)},
        {"sex": "L", "pregnant": False},
        {"marital_status": "single", "birth_date": datetime.date(2018, 1, 1)},
        {"occupation": "student", "birth_date": datetime.date(2018, 1, 1)},
        {"attending_school": True, "birth_date": datetime.date(2001, 6, 1)},  # 24 on the day
        {"undernourished": True, "birth_date": datetime.date(2023, 1, 1)},
        {"pregnant": True},  # no birth date: asked, like the form does
    ]
    for overrides in fine:
        member = MemberRecord(name="Sari", sex="P", relation="child", where=Where(3))
        for name, value in overrides.items():
            setattr(member, name, value)
        assert _warnings(_record(member)) == [], overrides


def test_age_is_counted_in_full_years_on_the_survey_date():
    assert age_on(datetime.date(1970, 6, 2), datetime.date(2025, 6, 1)) == 54
    assert age_on(datetime.date(1970, 6, 1), datetime.date(2025, 6, 1)) == 55


def test_a_kk_of_another_district_is_a_warning_as_the_form_notes_it(db):
    same = check_kk("3403061203800001", district_codes=DISTRICTS, village_code=GIRISEKAR)
    assert same.errors == same.warnings == ()
    other = check_kk("3403071203800001", district_codes=DISTRICTS, village_code=GIRISEKAR)
    assert other.errors == () and other.warnings
    survey = _survey(xlsform_build(form_build()))
    assert survey["cek_kk"]["type"] == "note"
    assert "substr(${no_kk}, 0, 6)" in survey["cek_kk"]["relevant"]


def _version(content: bytes) -> str:
    return _sheet(content, "settings")[0]["version"]


def test_the_version_changes_with_the_questions_and_stays_when_nothing_changed(demo):
    programme = programme_create(
        organisation=demo.organisation,
        name="Program Ternak",
        start_date=datetime.date(2025, 7, 1),
        planned_duration_months=36,
        village_codes=[GIRISEKAR],
    ).programme
    first = _version(xlsform_build(form_for_programme(programme)))
    assert first == _version(xlsform_build(form_for_programme(programme)))
    assert first == form_version(form_for_programme(programme))
    custom_question_add(
        programme=programme,
        name="kandang",
        kind=CustomQuestion.Kind.TEXT,
        label_id="Jenis kandang",
    )
    second = _version(xlsform_build(form_for_programme(programme)))
    assert second != first
    question = programme.custom_questions.get()
    question.label_id = "Jenis kandang kambing"
    question.save()
    third = _version(xlsform_build(form_for_programme(programme)))
    assert third not in {first, second}
    # The people on the network list are part of the form too.
    with_people = _version(xlsform_build(form_for_programme(programme, user=demo.users["manajer"])))
    assert with_people != third
    assert all(v.startswith("2026.2.") for v in (first, second, third, with_people))
