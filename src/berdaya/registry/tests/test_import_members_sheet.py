"""Which sheet holds the household members, when an export has several repeat sheets.

A form written by someone else seldom names its repeat `anggota`, and many have more than
one repeat (members, plots, visits). The members' sheet is the one the person importing
names (`members_sheet` in the column matching), else Berdaya's own, else the only repeat,
else the one whose columns match the member questions clearly best; otherwise the import
stops and lists the repeat sheets to choose from.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.samples import kobo_xlsx, synthetic_households
from berdaya.registry.models import ImportJob, Person
from berdaya.registry.services import (
    import_job_choose_members,
    import_job_create,
    import_job_run,
    import_job_sheets,
)
from berdaya.registry.xlsform import MEMBERS_REPEAT, form_build

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(scope="module")
def households():
    return synthetic_households(6, village_code=GIRISEKAR, seed=5)


def _workbook(households, *, members_name: str, other: list[list] | None, copy_members=False):
    """Berdaya's Kobo export with its members' sheet renamed and another repeat beside it."""
    book = load_workbook(io.BytesIO(kobo_xlsx(households, form_build())))
    members = book[MEMBERS_REPEAT]
    members.title = members_name
    if copy_members:
        twin = book.copy_worksheet(members)
        twin.title = "anggota_lain"
    if other is not None:
        sheet = book.create_sheet("kebun")
        for row in other:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PLOTS = [
    ["luas_m2", "tanaman", "_index", "_parent_index"],
    [500, "padi", 1, 1],
    [80, "cabai", 2, 2],
]


def _import(demo, data) -> ImportJob:
    job = import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=ImportJob.Source.KOBO,
        uploaded_file=SimpleUploadedFile("lain.xlsx", data),
    )
    return import_job_run(job.pk)


def test_the_repeat_whose_columns_are_people_is_taken(demo, households):
    data = _workbook(households, members_name="keluarga", other=PLOTS)
    job = _import(demo, data)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.persons_created == sum(len(h.members) for h in households)


def test_when_it_cannot_be_told_the_import_waits_for_the_sheet_to_be_chosen(demo, households):
    data = _workbook(households, members_name="keluarga", other=None, copy_members=True)
    before = Person.objects.count()
    job = _import(demo, data)
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    assert "member" not in job.file_columns
    assert [s.name for s in import_job_sheets(job)] == ["keluarga", "anggota_lain"]
    assert Person.objects.count() == before

    job = import_job_choose_members(
        user=demo.users["pendamping.girisekar"], job=job, sheet="anggota_lain"
    )
    job = import_job_run(job.pk)
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.persons_created == sum(len(h.members) for h in households)


def test_the_cli_names_the_repeat_sheets_to_choose_from(demo, households, tmp_path):
    path = tmp_path / "lain.xlsx"
    path.write_bytes(_workbook(households, members_name="keluarga", other=None, copy_members=True))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_households",
            str(path),
            source="kobo",
            village=GIRISEKAR,
            user="pendamping.girisekar",
            stdout=out,
            stderr=err,
        )
    assert "members_sheet" in str(caught.value) and "keluarga, anggota_lain" in str(caught.value)
    assert json.loads(out.getvalue())["members_sheet"] == ""
    assert "Repeat sheet “keluarga”" in err.getvalue()


def test_the_cli_takes_the_chosen_members_sheet(demo, households, tmp_path):
    path = tmp_path / "lain.xlsx"
    path.write_bytes(_workbook(households, members_name="keluarga", other=None, copy_members=True))
    columns = tmp_path / "columns.json"
    columns.write_text(json.dumps({"members_sheet": "anggota_lain"}), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_households",
        str(path),
        source="kobo",
        village=GIRISEKAR,
        user="pendamping.girisekar",
        columns=str(columns),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Imported: 6 households" in out.getvalue()
    job = ImportJob.objects.latest("pk")
    assert job.persons_created == sum(len(h.members) for h in households)


def test_a_chosen_sheet_that_is_not_there_is_refused_by_name(demo, households, tmp_path):
    path = tmp_path / "lain.xlsx"
    path.write_bytes(_workbook(households, members_name="keluarga", other=PLOTS))
    columns = tmp_path / "columns.json"
    columns.write_text(json.dumps({"members_sheet": "anggota"}), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_households",
            str(path),
            source="kobo",
            village=GIRISEKAR,
            user="pendamping.girisekar",
            columns=str(columns),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    job = ImportJob.objects.latest("pk")
    assert "“anggota” is not a repeat sheet of this file" in job.errors[0]["reason"]
