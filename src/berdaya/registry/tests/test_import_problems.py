"""Files that cannot be imported: each problem is named (file, sheet, row, column, reason),
identifiers are masked, and nothing is written."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.importers.samples import (
    kobo_xlsx,
    odk_zip,
    synthetic_households,
    template_rows,
)
from berdaya.registry.models import Household, ImportJob, Person
from berdaya.registry.services import (
    import_job_create,
    import_job_fields,
    import_job_map_columns,
    import_job_run,
)
from berdaya.registry.xlsform import form_build

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def households():
    return synthetic_households(6, village_code=GIRISEKAR, seed=11)


def _create(
    demo, data, name, source=ImportJob.Source.TEMPLATE, user="pendamping.girisekar", **options
):
    return import_job_create(
        user=demo.users[user],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=source,
        uploaded_file=SimpleUploadedFile(name, data),
        **options,
    )


def _import(demo, data, name="data.csv", source=ImportJob.Source.TEMPLATE) -> ImportJob:
    return import_job_run(_create(demo, data, name, source).pk)


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _template(households, edit=None) -> bytes:
    rows = template_rows(households, form_build())
    if edit:
        edit(rows[0], rows)
    return _csv(rows)


def _counts():
    return Household.objects.count(), Person.objects.count()


def _problems(job):
    return [(e["row"], e["column"], e["reason"]) for e in job.errors]


@pytest.fixture
def unchanged():
    before = _counts()
    yield
    assert _counts() == before


def _set(column: str, row: int, value):
    def edit(header, rows):
        rows[row - 1][header.index(column)] = value

    return edit


def _set_household(column: str, row: int, value):
    """Change a household answer on every row of the household whose first row is `row`."""

    def edit(header, rows):
        number = rows[row - 1][0]
        for each in rows[1:]:
            if each[0] == number:
                each[header.index(column)] = value

    return edit


def test_a_household_for_another_village(demo, households, unchanged):
    job = _import(demo, _template(households, _set_household("kode_desa", 6, SIDOHARJO)))
    assert job.status == ImportJob.Status.FAILED
    assert _problems(job) == [
        (
            6,
            "kode_desa",
            "This row is for village 34.03.07.2003; this import fills 34.03.06.2002 only.",
        )
    ]


def test_an_unknown_village_code(demo, households, unchanged):
    job = _import(demo, _template(households, _set_household("kode_desa", 2, "99.99.99.9999")))
    assert _problems(job)[0][:2] == (2, "kode_desa")
    assert job.errors[0]["value"] == "99.99.99.9999"


def test_an_invalid_nik_is_reported_masked(demo, households, unchanged):
    job = _import(demo, _template(households, _set("nik", 3, "3403069999990001")))
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "row": 3,
            "sheet": "data.csv",
            "column": "nik",
            "value": "3403**********01",
            "reason": "Digits 7–12 are not a date (DDMMYY, day + 40 for women).",
        }
    ]


def test_an_impossible_date(demo, households, unchanged):
    job = _import(demo, _template(households, _set("tanggal_lahir", 4, "2019-02-31")))
    assert _problems(job) == [(4, "tanggal_lahir", "This date does not exist on the calendar.")]
    assert job.errors[0]["value"] == "2019-02-31"


def test_an_unknown_choice(demo, households, unchanged):
    job = _import(demo, _template(households, _set_household("lantai", 2, "marble")))
    (row, column, reason), *rest = _problems(job)
    assert (row, column, rest) == (2, "lantai", [])
    assert reason.startswith("Not one of the allowed answers (earth, bamboo")


def test_an_unknown_social_protection_scheme(demo, households, unchanged):
    job = _import(demo, _template(households, _set_household("program", 2, "pkh bansos_x")))
    assert _problems(job)[0][:2] == (2, "program")
    assert job.errors[0]["value"] == "bansos_x"


def test_a_nik_already_registered_in_another_household(demo, households, unchanged):
    registered = Person.objects.filter(organisation=demo.organisation).exclude(nik_hash="")[0]
    job = _import(demo, _template(households, _set("nik", 5, registered.nik)))
    assert _problems(job) == [(5, "nik", "This NIK is already registered in another household.")]
    assert job.errors[0]["value"] == registered.nik[:4] + "*" * 10 + registered.nik[-2:]


def test_the_same_nik_twice_in_the_file(demo, households, unchanged):
    def edit(header, rows):
        rows[7][header.index("nik")] = rows[1][header.index("nik")]

    job = _import(demo, _template(households, edit))
    assert _problems(job) == [(8, "nik", "This NIK appears twice in the file (first at row 2).")]


def test_a_csv_that_is_not_utf8_is_refused_with_the_line(demo, households, unchanged):
    rows = template_rows(households, form_build())
    rows[3][rows[0].index("nama")] = "Siti Mu’awanah"  # a curly apostrophe, as Word types it
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    job = _import(demo, buffer.getvalue().encode("cp1252"), "data-windows.csv")
    assert job.status == ImportJob.Status.FAILED
    [problem] = job.errors
    assert (problem["sheet"], problem["row"]) == ("data-windows.csv", 4)
    assert "not saved as UTF-8" in problem["reason"]
    assert "CSV UTF-8" in problem["reason"]


def test_an_empty_file_is_refused_before_it_is_stored(demo, media):
    with pytest.raises(ValidationFailed, match="The file is empty"):
        _create(demo, b"", "data.csv")
    assert not ImportJob.objects.exists()
    assert not list(media.rglob("*.bin"))


def test_a_file_with_a_header_and_no_rows(demo, households, unchanged):
    header = template_rows(households, form_build())[0]
    job = _import(demo, _csv([header]), "kosong.csv")
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["sheet"] == "kosong.csv"
    assert job.errors[0]["reason"].startswith("There are no households in this file")


def test_a_file_of_blank_lines_is_empty(demo, unchanged):
    job = _import(demo, b"\n\n  \n", "kosong.csv")
    assert job.errors[0]["reason"] == "The file is empty."


def test_a_file_over_the_size_limit_is_refused(demo, settings):
    settings.BERDAYA_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ValidationFailed, match="the limit is"):
        _create(demo, b"x" * 1001, "data.csv")
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("source", "name", "content"),
    [
        (ImportJob.Source.ODK, "export.zip", b"this is not a zip at all"),
        (ImportJob.Source.KOBO, "export.xlsx", b"%PDF-1.7 a scanned form"),
        (ImportJob.Source.KOBO, "export.csv", b"a,b\n1,2\n"),
        (ImportJob.Source.TEMPLATE, "data.pdf", b"%PDF-1.7"),
    ],
    ids=["odk-not-a-zip", "kobo-not-xlsx", "kobo-csv", "template-pdf"],
)
def test_a_file_of_the_wrong_kind_is_refused_by_its_first_bytes(demo, source, name, content):
    with pytest.raises(ValidationFailed, match=name.replace(".", r"\.")):
        _create(demo, content, name, source)
    assert not ImportJob.objects.exists()


def test_a_zip_without_the_main_csv(demo, households, unchanged):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("berdaya_pemetaan-anggota.csv", "nama,PARENT_KEY,KEY\nSiti,uuid:1,k\n")
    job = _import(demo, buffer.getvalue(), "export.zip", ImportJob.Source.ODK)
    assert job.status == ImportJob.Status.FAILED
    [problem] = job.errors
    assert problem["sheet"] == "export.zip"
    assert "no main CSV" in problem["reason"]


def test_a_broken_xlsx_is_named(demo, unchanged):
    job = _import(demo, b"PK\x03\x04 broken", "export.xlsx", ImportJob.Source.KOBO)
    assert job.errors[0]["reason"] == "“export.xlsx” is not a readable XLSX workbook."


def test_a_kobo_sheet_without_its_metadata(demo, households, unchanged):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(kobo_xlsx(households, form_build())))
    main = workbook.worksheets[0]
    for column in ("_uuid", "meta/rootUuid"):
        header = [c.value for c in main[1]]
        main.delete_cols(header.index(column) + 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = _import(demo, buffer.getvalue(), "export.xlsx", ImportJob.Source.KOBO)
    assert _problems(job) == [(1, "_uuid", "This column of a KoboToolbox export is missing.")]


def test_missing_columns_wait_for_a_person_to_match_them(demo, households, media):
    """Without a name column the file is not Berdaya's own form: someone matches columns."""

    def rename(header, rows):
        header[header.index("nama")] = "nama_lengkap"
        header[header.index("lantai")] = "jenis_lantai"

    job = _import(demo, _template(households, rename))

    assert job.status == ImportJob.Status.NEEDS_MAPPING
    assert job.stored_file and (media / job.stored_file).exists()  # kept until it ends
    fields = {f.key: f for f in import_job_fields(job)}
    # "nama_lengkap" is the name's label, "Nama lengkap": proposed by similarity.
    assert fields["name"].suggested == "nama_lengkap" and fields["name"].required
    assert fields["floor"].suggested == "" and not fields["floor"].required
    assert fields["nik"].suggested == "nik"
    assert "nama_lengkap" in fields["name"].columns

    user = demo.users["pendamping.girisekar"]
    chosen = {key: field.suggested for key, field in fields.items()}
    with pytest.raises(ValidationFailed, match="Choose the column"):
        import_job_map_columns(user=user, job=job, column_map={**chosen, "name": ""})
    with pytest.raises(ValidationFailed, match="is not a column"):
        import_job_map_columns(user=user, job=job, column_map={**chosen, "name": "nope"})
    chosen.update(name="nama_lengkap", floor="jenis_lantai")
    job = import_job_map_columns(user=user, job=job, column_map=chosen)
    assert job.status == ImportJob.Status.WAITING

    job = import_job_run(job.pk)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    stored = Household.objects.get(submissions__uuid=f"template:{GIRISEKAR}:{households[0].uuid}")
    assert stored.latest_survey.floor == households[0].survey["floor"]
    assert stored.members.order_by("pk").first().name == households[0].members[0].name
    assert not list(media.rglob("*.bin"))


def test_a_required_column_missing_after_matching_fails_with_the_column_named(demo, households):
    def drop_sex(header, rows):
        index = header.index("jenis_kelamin")
        for row in rows:
            del row[index]

    # Columns matched by the caller (the CLI, say), but none for the members' sex.
    job = _create(demo, _template(households, drop_sex), "data.csv", column_map={"name": "nama"})
    job = import_job_run(job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert ("jenis_kelamin", "This required column is missing from the file.") in [
        (e["column"], e["reason"]) for e in job.errors
    ]


def test_a_facilitator_cannot_import_into_a_village_not_assigned_to_them(demo, households, media):
    with pytest.raises(PermissionDenied, match="not one of your villages"):
        import_job_create(
            user=demo.users["pendamping.girisekar"],
            organisation=demo.organisation,
            village=demo.villages[SIDOHARJO],
            source=ImportJob.Source.KOBO,
            uploaded_file=SimpleUploadedFile("x.xlsx", kobo_xlsx(households, form_build())),
        )
    assert not ImportJob.objects.exists()
    assert not list(media.rglob("*.bin"))


def test_a_viewer_cannot_import(demo, households):
    with pytest.raises(PermissionDenied):
        _create(demo, odk_zip(households, form_build()), "x.zip", ImportJob.Source.ODK, "pemantau")
