"""Importing a KoboToolbox XLSX export of Berdaya's own form (the issue's "done when").

The export is generated from the XLSForm's own question names: a main sheet with group
paths (`rumah/lantai`), select-multiple answers both as a list and as 0/1 columns, the
`_uuid`/`_submission_time`/`_index` metadata, and an `anggota` sheet linked by
`_parent_index`. 2,000 households with realistic NIKs (district 34.03.06, birth date,
day + 40 for women), deterministic from a seed.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import replace

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.samples import kobo_xlsx, synthetic_households, xlsx_bytes
from berdaya.registry.models import (
    Consent,
    Enrolment,
    Household,
    HouseholdSurvey,
    ImportJob,
    Person,
    RegistryEvent,
    Submission,
)
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.xlsform import form_build, xlsform_build

pytestmark = pytest.mark.usefixtures("english")

HOUSEHOLDS = 2000
BAD_ROW = 1500  # a spreadsheet row of the members sheet (row 1 is the header)


@pytest.fixture(scope="module")
def households():
    return synthetic_households(HOUSEHOLDS, village_code=GIRISEKAR, seed=2026)


def _import(demo, data: bytes, name: str = "pemetaan-girisekar.xlsx") -> ImportJob:
    job = import_job_create(
        user=demo.users["pendamping.girisekar"],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=ImportJob.Source.KOBO,
        uploaded_file=SimpleUploadedFile(name, data),
    )
    return import_job_run(job.pk)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Household,
            Person,
            HouseholdSurvey,
            Enrolment,
            Consent,
            RegistryEvent,
            Submission,
        )
    }


def _form_paths(content: bytes) -> set[str]:
    """`group/name` of every answered question, read from the XLSForm file itself."""
    survey = load_workbook(io.BytesIO(content))["survey"]
    rows = list(survey.iter_rows(min_row=2, values_only=True))
    paths, group = set(), None
    for kind, name, *_rest in rows:
        if kind in {"begin_group", "begin_repeat"}:
            group = name
        elif kind in {"end_group", "end_repeat"}:
            group = None
        elif kind not in {"note", "calculate", "start", "end"}:
            paths.add(f"{group}/{name}" if group else name)
    return paths


def test_the_export_has_the_columns_of_berdayas_xlsform(db, households):
    form = form_build()
    export = load_workbook(io.BytesIO(kobo_xlsx(households[:3], form)), read_only=True)
    main, members = export.worksheets
    headers = {c for row in main.iter_rows(max_row=1, values_only=True) for c in row}
    headers |= {c for row in members.iter_rows(max_row=1, values_only=True) for c in row}
    assert _form_paths(xlsform_build(form)) <= headers
    assert {"_uuid", "_submission_time", "_index", "_parent_index", "rumah/aset/tv"} <= headers
    assert members.title == "anggota"


@pytest.fixture
def prefetched(monkeypatch):
    """Read the members' sheet in a forked process, as a large export is."""
    from berdaya.registry.importers import tables

    monkeypatch.setattr(tables, "PREFETCH_FROM", 1)


def test_2000_households_import_completely_and_a_second_upload_adds_nothing(
    demo, households, prefetched
):
    form = form_build()
    export = kobo_xlsx(households, form)
    before = _counts()
    members = sum(len(h.members) for h in households)

    job = _import(demo, export)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert (job.households_created, job.persons_created) == (HOUSEHOLDS, members)
    after = _counts()
    added = {name: after[name] - before[name] for name in after}
    assert added["Household"] == HOUSEHOLDS
    assert added["Person"] == members
    assert added["HouseholdSurvey"] == added["Consent"] == added["Submission"] == HOUSEHOLDS
    assert added["RegistryEvent"] == HOUSEHOLDS
    assert added["Enrolment"] == sum(len(h.schemes) for h in households)
    # What was collected is what is stored: spot-check one household from end to end.
    sample = households[1234]
    stored = Submission.objects.get(organisation=demo.organisation, uuid=sample.uuid).household
    assert stored.village_id == GIRISEKAR
    assert stored.kk == sample.kk
    assert (stored.latitude, stored.longitude) == (sample.latitude, sample.longitude)
    assert stored.latest_survey.floor == sample.survey["floor"]
    assert stored.latest_survey.assets == sample.survey["assets"]
    assert stored.latest_survey.surveyed_on == sample.surveyed_on
    assert sorted(stored.members.values_list("nik", flat=True)) == sorted(
        m.nik for m in sample.members
    )
    head = stored.members.get(relation=Person.Relation.HEAD)
    assert stored.consents.get().given_by == head
    assert sorted(stored.enrolments.values_list("scheme__code", flat=True)) == sample.schemes
    assert stored.events.get().kind == RegistryEvent.Kind.IMPORTED
    # One readable summary in the audit trail, for the organisation's administrators.
    entry = LogEntry.objects.filter(object_pk=str(job.pk), changes_text__startswith="Import").get()
    assert entry.additional_data["organisation"] == demo.organisation.pk
    assert entry.changes["households"] == ["0", str(HOUSEHOLDS)]
    # The upload, which holds every NIK, is gone.
    assert job.stored_file == ""

    again = _import(demo, export)

    assert again.status == ImportJob.Status.DONE
    assert (again.households_created, again.persons_created) == (0, 0)
    assert again.duplicates_skipped == HOUSEHOLDS
    assert _counts() == after


def test_one_bad_nik_in_row_1500_writes_nothing_and_the_report_names_it(
    demo, households, prefetched
):
    copy = [replace(h, members=list(h.members)) for h in households]
    position = BAD_ROW - 2  # members are listed from row 2
    flat = [(h, i) for h in copy for i in range(len(h.members))]
    household, index = flat[position]
    good = household.members[index].nik
    household.members[index] = replace(household.members[index], nik=good[:15])
    before = _counts()

    job = _import(demo, kobo_xlsx(copy, form_build()))

    assert job.status == ImportJob.Status.FAILED
    assert _counts() == before
    assert job.households_created == job.persons_created == 0
    assert job.errors == [
        {
            "row": BAD_ROW,
            "sheet": "anggota",
            "column": "anggota/nik",
            "value": good[:4] + "*" * 9 + good[13:15],
            "reason": "A NIK has exactly 16 digits; this one has 15.",
        }
    ]
    assert job.stored_file == ""


def test_an_export_without_group_paths_and_with_only_0_1_columns_imports(demo, households):
    """KoboToolbox offers headers without groups and select-multiple as separate columns."""
    form = form_build()
    sample = households[:20]
    workbook = load_workbook(io.BytesIO(kobo_xlsx(sample, form, group_paths=False)))
    for sheet, lists in ((workbook.worksheets[0], ("aset", "bencana")), (workbook["anggota"], ())):
        header = [cell.value for cell in sheet[1]]
        assert "rumah/lantai" not in header
        for name in lists:
            sheet.delete_cols(header.index(name) + 1)
            header = [cell.value for cell in sheet[1]]
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = _import(demo, buffer.getvalue())

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.households_created == 20
    stored = Submission.objects.get(uuid=sample[0].uuid).household.latest_survey
    assert stored.assets == sample[0].survey["assets"]
    assert stored.disasters == sample[0].survey["disasters"]


def test_a_workbook_saved_by_a_spreadsheet_program_is_read(demo, households):
    """Shared strings, dates stored as date cells, numbers as numbers: as Excel saves it."""
    sample = households[:5]
    generated = load_workbook(io.BytesIO(kobo_xlsx(sample, form_build())))
    workbook = Workbook()
    workbook.remove(workbook.active)
    for source in generated.worksheets:
        sheet = workbook.create_sheet(source.title)
        dates = [
            i
            for i, cell in enumerate(source[1])
            if str(cell.value).endswith(("tanggal_lahir", "tanggal_survei"))
        ]
        for number, row in enumerate(source.iter_rows(values_only=True)):
            values = list(row)
            for i in dates if number else ():
                values[i] = datetime.date.fromisoformat(values[i]) if values[i] else None
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = _import(demo, buffer.getvalue())

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    person = Person.objects.get(nik_hash=_hash(sample[0].members[0].nik))
    assert person.birth_date == sample[0].members[0].birth_date


def test_a_minimal_workbook_from_the_sample_writer_opens_in_openpyxl():
    content = xlsx_bytes([("data", [["a", "b"], ["x & y", 3], [None, True]])])
    sheet = load_workbook(io.BytesIO(content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["a", "b"],
        ["x & y", 3],
        [None, True],
    ]


def _hash(nik: str) -> str:
    from berdaya.core.crypto import blind_index

    return blind_index(nik)


@pytest.mark.parametrize("separator", [".", ":"])
def test_an_export_with_another_group_separator_imports(demo, households, separator):
    """KoboToolbox's export dialog lets the user choose the group separator."""
    export = kobo_xlsx(households[:20], form_build(), separator=separator)
    assert f"rumah{separator}lantai".encode() in zipfile.ZipFile(io.BytesIO(export)).read(
        "xl/worksheets/sheet1.xml"
    )

    job = _import(demo, export)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.households_created == 20
