"""Berdaya's household questionnaire as an XLSForm: pyxform converts it, with groups, the
members repeat, both languages, Berdaya's codes, and a programme's own questions."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from berdaya.programmes.services import programme_create
from berdaya.registry import choices
from berdaya.registry.models import CustomQuestion, Person
from berdaya.registry.services import custom_question_add
from berdaya.registry.xlsform import (
    CODE_LISTS,
    form_build,
    form_for_programme,
    xlsform_build,
)


def _sheets(content: bytes) -> dict[str, list[dict]]:
    workbook = load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[0]
        sheets[sheet.title] = [dict(zip(header, row, strict=False)) for row in rows[1:]]
    return sheets


def _xform(content: bytes, tmp_path) -> str:
    path = tmp_path / "berdaya-pemetaan.xlsx"
    path.write_bytes(content)
    warnings: list[str] = []
    result = convert(str(path), warnings=warnings)
    assert warnings == []
    return result.xform


@pytest.fixture
def xlsform(db) -> bytes:
    return xlsform_build(form_build())


def test_pyxform_converts_the_form_with_the_members_repeat_and_both_languages(xlsform, tmp_path):
    xform = _xform(xlsform, tmp_path)
    assert re.search(r'<repeat [^>]*nodeset="/data/anggota"', xform)
    assert '<translation lang="Indonesian (id)" default="true()">' in xform
    assert '<translation lang="English (en)">' in xform
    assert "<value>Anggota rumah tangga</value>" in xform
    assert "<value>Household members</value>" in xform
    for group in ("lokasi", "identitas", "rumah", "ekonomi", "perlindungan", "persetujuan"):
        assert f'<group ref="/data/{group}">' in xform


def test_the_sheets_columns_and_settings_are_those_of_an_xlsform(xlsform):
    sheets = _sheets(xlsform)
    assert list(sheets) == ["survey", "choices", "settings"]
    settings_row = sheets["settings"][0]
    assert settings_row["default_language"] == "Indonesian (id)"
    assert settings_row["form_id"] == "berdaya_pemetaan"
    survey = sheets["survey"]
    assert {"label::Indonesian (id)", "label::English (en)"} <= set(survey[0])
    types = {row["name"]: row["type"] for row in survey}
    assert types["anggota"] == "begin_repeat"
    assert types["gps"] == "geopoint"
    assert types["aset"] == "select_multiple aset"
    assert types["disabilitas"] == "select_multiple disabilitas"
    assert types["program"] == "select_multiple program"
    # Every question a person answers has a label in both languages.
    for row in survey:
        if row["type"] not in {"start", "end", "calculate"} and not row["type"].startswith("end_"):
            assert row["label::Indonesian (id)"] and row["label::English (en)"], row["name"]


def test_a_nik_must_have_16_digits(xlsform):
    survey = {row["name"]: row for row in _sheets(xlsform)["survey"]}
    assert re.fullmatch(survey["nik"]["constraint"][10:-2], "3403065203800001")
    assert not re.fullmatch(survey["nik"]["constraint"][10:-2], "340306520380001")
    assert survey["no_kk"]["constraint"] == "regex(., '^[0-9]{16}$')"
    assert survey["hamil"]["relevant"].startswith("${jenis_kelamin} = 'P'")


def test_choice_lists_use_berdayas_codes_exactly(xlsform):
    lists: dict[str, list[str]] = {}
    labels = {}
    for row in _sheets(xlsform)["choices"]:
        lists.setdefault(row["list_name"], []).append(row["name"])
        labels[(row["list_name"], row["name"])] = (
            row["label::Indonesian (id)"],
            row["label::English (en)"],
        )
    assert lists["jenis_kelamin"] == ["L", "P"] == list(Person.Sex.values)
    assert lists["hubungan"] == list(Person.Relation.values)
    assert lists["lantai"] == list(choices.Floor.values)
    assert lists["aset"] == list(choices.Asset.values)
    for list_name, codes in CODE_LISTS.items():
        assert lists[list_name] == list(codes.values), list_name
    assert {"pkh", "pip", "kis_pbi", "bpnt", "blt_dd"} <= set(lists["program"])
    assert labels[("jenis_kelamin", "P")] == ("Perempuan", "Female")
    assert labels[("lantai", "earth")] == ("Tanah", "Earth")


def test_a_programme_adds_its_own_questions_in_their_own_group(demo, tmp_path):
    programme = programme_create(
        organisation=demo.organisation,
        name="Program Ternak Kambing",
        start_date=datetime.date(2025, 7, 1),
        planned_duration_months=36,
        village_codes=["34.03.06.2002"],
    ).programme
    custom_question_add(
        programme=programme,
        name="kandang",
        kind=CustomQuestion.Kind.SELECT_ONE,
        label_id="Jenis kandang kambing",
        label_en="Kind of goat pen",
        choices=[
            {"code": "panggung", "label_id": "Panggung", "label_en": "Raised"},
            {"code": "lantai_tanah", "label_id": "Lantai tanah", "label_en": "Earth floor"},
        ],
    )
    custom_question_add(
        programme=programme,
        name="bibit_diterima",
        kind=CustomQuestion.Kind.INTEGER,
        label_id="Bibit kambing yang diterima",
        position=2,
    )
    content = xlsform_build(form_for_programme(programme))
    sheets = _sheets(content)
    rows = [(row["type"], row["name"]) for row in sheets["survey"]]
    group = rows.index(("begin_group", "tambahan"))
    assert rows[group + 1 : group + 4] == [
        ("select_one tambahan_kandang", "kandang"),
        ("integer", "bibit_diterima"),
        ("end_group", None),
    ]
    assert group > rows.index(("begin_group", "perlindungan"))
    # The village is chosen from the programme's villages instead of typed.
    types = {row["name"]: row["type"] for row in sheets["survey"]}
    assert types["kode_desa"] == "select_one desa"
    assert sheets["settings"][0]["form_id"] == f"berdaya_pemetaan_{programme.pk}"
    xform = _xform(content, tmp_path)
    assert '<group ref="/data/tambahan">' in xform
    assert "<value>Kind of goat pen</value>" in xform
    assert "<value>Bibit kambing yang diterima</value>" in xform  # no English: Indonesian twice


@pytest.mark.parametrize(
    ("name", "kind", "choices"),
    [
        ("Kandang", "text", []),
        ("lantai", "text", []),  # one of Berdaya's own questions
        ("kandang", "select_one", []),
        ("kandang", "select_one", [{"code": "a b", "label_id": "A"}]),
        ("kandang", "guess", []),
    ],
    ids=["capital", "taken", "no-answers", "space-in-code", "unknown-kind"],
)
def test_a_programme_question_that_would_break_the_form_is_refused(demo, name, kind, choices):
    from berdaya.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        custom_question_add(
            programme=demo.programme, name=name, kind=kind, label_id="Pertanyaan", choices=choices
        )
    assert not CustomQuestion.objects.exists()
