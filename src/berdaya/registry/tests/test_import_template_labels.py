"""Berdaya's template speaks Indonesian: answers as labels or codes, drop-down lists in the
XLSX, an example household that is never imported, examples that fit Gunungkidul."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers import template_csv, template_xlsx
from berdaya.registry.importers.labels import codes_by_label, label_reader
from berdaya.registry.importers.template import template_columns
from berdaya.registry.models import Household, ImportJob, Person
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.xlsform import CODE_LISTS, Question, form_build


def _import(demo, data: bytes, name: str) -> ImportJob:
    job = import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=ImportJob.Source.TEMPLATE,
        uploaded_file=SimpleUploadedFile(name, data),
    )
    return import_job_run(job.pk)


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_template_has_an_example_household_that_is_never_imported(demo):
    rows = _rows(template_csv(form_build()))
    header, example = rows[0], rows[1:]
    assert len(example) == 3
    assert {row[header.index("id_rumah_tangga")] for row in example} == {"CONTOH-1"}
    assert example[0][header.index("lantai")] == "Tanah"
    assert float(example[0][header.index("longitude")]) == pytest.approx(110.47, abs=0.1)

    job = _import(demo, template_csv(form_build()), "templat.csv")

    assert job.status == ImportJob.Status.FAILED  # nothing but the example: no households
    assert not Person.objects.filter(name__endswith="(contoh)").exists()


def test_a_household_written_with_labels_imports_with_the_codes(demo):
    rows = _rows(template_csv(form_build()))
    header = rows[0]
    mine = [list(row) for row in rows[1:]]
    for row in mine:
        row[header.index("id_rumah_tangga")] = "7"
        row[header.index("nama")] = row[header.index("nama")].replace(" (contoh)", " Labelwati")
        row[header.index("nik")] = ""
    mine[0][header.index("no_kk")] = ""
    mine[1][header.index("hubungan")] = "ISTRI/SUAMI"  # case does not matter
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *mine])

    job = _import(demo, buffer.getvalue().encode(), "label.csv")

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    household = Household.objects.get(members__name="Wagiyem Labelwati")
    survey = household.latest_survey
    assert (survey.floor, survey.water, survey.sanitation) == ("earth", "protected_well", "shared")
    relations = dict(household.members.values_list("name", "relation"))
    assert relations == {
        "Wagiyem Labelwati": "head",
        "Sukardi Labelwati": "spouse",
        "Tri Labelwati": "child",
    }


def test_the_xlsx_template_has_drop_down_lists_of_labels(db):
    form = form_build()
    workbook = load_workbook(io.BytesIO(template_xlsx(form)))
    data, lists = workbook["data"], workbook["daftar"]
    assert lists.sheet_state == "hidden"
    header = [cell.value for cell in data[1]]
    floor = data.cell(row=1, column=header.index("lantai") + 1).column_letter
    checks = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    formula = checks[f"{floor}2:{floor}1001"]
    column = formula.split("!")[1].split(":")[0].replace("$", "")[0]
    labels = [c.value for c in lists[column][1:] if c.value]
    assert labels == [choice.label[0] for choice in form.lists["lantai"]]
    assert data.cell(row=2, column=header.index("lantai") + 1).value == "Tanah"


def test_the_guide_gives_gunungkidul_coordinates(db):
    guide = load_workbook(io.BytesIO(template_xlsx(form_build())))["petunjuk"]
    rows = {row[0]: row[3] for row in guide.iter_rows(min_row=3, values_only=True)}
    assert "110.4711" in rows["longitude"] and "-8.0123" in rows["latitude"]


_LISTS = sorted(CODE_LISTS)


@given(list_name=st.sampled_from(_LISTS), data=st.data())
def test_every_label_and_every_code_reads_as_its_code(list_name, data):
    by_label = codes_by_label()[list_name]
    choice = data.draw(st.sampled_from(sorted(by_label.items())))
    label, code = choice
    question = Question("x", f"select_one {list_name}", ("x", "x"), key="x")
    read = label_reader(question, str)
    assert read(label) == code
    assert read(f"  {label.upper()} ") == code
    assert read(code) in by_label.values()  # a code stays a code


def test_template_columns_are_unchanged_by_the_labels(db):
    form = form_build()
    rows = _rows(template_csv(form))
    assert rows[0] == [q.name for q in template_columns(form)]
