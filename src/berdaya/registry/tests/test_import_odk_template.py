"""Importing an ODK Central CSV zip and Berdaya's plain template (CSV and XLSX)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers import template_csv, template_xlsx
from berdaya.registry.importers.samples import (
    odk_zip,
    synthetic_households,
    template_filled_csv,
    template_rows,
)
from berdaya.registry.models import Household, ImportJob, Person, Submission
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.xlsform import form_build

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def households():
    return synthetic_households(30, village_code=GIRISEKAR, seed=7)


def _import(demo, data: bytes, name: str, source: str) -> ImportJob:
    job = import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=source,
        uploaded_file=SimpleUploadedFile(name, data),
    )
    return import_job_run(job.pk)


def _stored(record) -> Household:
    return Submission.objects.get(uuid=record.uuid).household


@pytest.mark.parametrize("group_paths", [True, False], ids=["group-paths", "no-group-paths"])
def test_an_odk_central_zip_imports_with_its_gps_split_into_columns(demo, households, group_paths):
    content = odk_zip(households, form_build(), group_paths=group_paths)
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert names == ["berdaya_pemetaan.csv", "berdaya_pemetaan-anggota.csv"]

    job = _import(demo, content, "berdaya_pemetaan.csv.zip", ImportJob.Source.ODK)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.households_created == 30
    assert job.persons_created == sum(len(h.members) for h in households)
    first = households[0]
    stored = _stored(first)
    assert (stored.latitude, stored.longitude) == (first.latitude, first.longitude)
    assert stored.members.count() == len(first.members)
    # ODK's KEY is "uuid:…"; the same submission from KoboToolbox would carry the bare uuid.
    assert Submission.objects.filter(uuid=first.uuid).exists()
    again = _import(demo, content, "berdaya_pemetaan.csv.zip", ImportJob.Source.ODK)
    assert (again.households_created, again.duplicates_skipped) == (0, 30)


def test_the_template_as_csv_imports_one_row_per_person(demo, households):
    content = template_filled_csv(households, form_build())
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert len(rows) == 1 + sum(len(h.members) for h in households)
    assert rows[0][:3] == ["id_rumah_tangga", "setuju", "kode_desa"]

    job = _import(demo, content, "data-girisekar.csv", ImportJob.Source.TEMPLATE)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.households_created == 30
    assert job.warnings == []
    stored = Submission.objects.get(uuid=f"template:{GIRISEKAR}:{households[3].uuid}").household
    assert stored.kk == households[3].kk
    assert stored.latest_survey.water == households[3].survey["water"]


def test_the_template_filled_in_as_xlsx_imports(demo, households):
    """Download the XLSX template, fill its `data` sheet, upload it."""
    form = form_build()
    workbook = load_workbook(io.BytesIO(template_xlsx(form)))
    assert workbook.sheetnames == ["data", "petunjuk", "daftar"]
    sheet = workbook["data"]
    filled = template_rows(households[:4], form)
    assert [cell.value for cell in sheet[1]] == filled[0]
    for row in filled[1:]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = _import(demo, buffer.getvalue(), "templat.xlsx", ImportJob.Source.TEMPLATE)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.households_created == 4


def test_the_csv_template_download_is_the_header_excel_reads_as_utf8(db):
    content = template_csv(form_build())
    assert content.startswith("\ufeff".encode())  # the byte-order mark Excel needs
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert {"id_rumah_tangga", "nik", "nama", "latitude", "longitude", "aset"} <= set(header)


def test_a_semicolon_separated_csv_from_excel_in_indonesian_imports(demo, households):
    rows = template_rows(households[:3], form_build())
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    job = _import(
        demo, buffer.getvalue().encode("utf-8-sig"), "data.csv", ImportJob.Source.TEMPLATE
    )
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.households_created == 3


def test_later_rows_of_a_household_may_leave_its_answers_empty_but_not_contradict(demo, households):
    rows = template_rows(households[:2], form_build())
    header = rows[0]
    floor, dusun = header.index("lantai"), header.index("dusun")
    rows[2][dusun] = ""  # the household's second person: blank is fine
    first = rows[1][floor]
    rows[3][floor] = "ceramic" if first != "ceramic" else "earth"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    before = Person.objects.count()

    job = _import(demo, buffer.getvalue().encode(), "data.csv", ImportJob.Source.TEMPLATE)

    assert job.status == ImportJob.Status.FAILED
    assert Person.objects.count() == before
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (4, "lantai", "Differs from the first row of this household (row 2).")
    ]
