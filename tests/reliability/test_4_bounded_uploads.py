"""Finding 4: a 1 MB XLSX (shared strings, or one huge row) or ODK zip uploaded by a
facilitator expanded to 1 GB; the worker reached 4.7–5.8 GB of memory for up to almost
four minutes while every other import queued behind it.

Uploads are bounded: unpacked size and unpacked/packed ratio (from the zip's directory,
before reading, and while reading), rows and columns, and each job's time and memory.
A refused file gets a clear Indonesian message and nothing is written."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import translation

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.samples import (
    kobo_xlsx,
    odk_zip,
    synthetic_households,
    template_filled_csv,
)
from berdaya.registry.models import Household, ImportJob
from berdaya.registry.xlsform import form_build

MB = 1024 * 1024


@pytest.fixture
def small_limits(settings):
    settings.BERDAYA_IMPORT_MAX_UNPACKED_MB = 8
    settings.BERDAYA_IMPORT_MAX_RATIO = 100
    return settings


def _with_member(archive_bytes: bytes, name: str, content: bytes) -> bytes:
    """The zip with one more (or a replaced) member, deflated."""
    source = zipfile.ZipFile(io.BytesIO(archive_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        target.writestr(name, content)
    return out.getvalue()


def _refused(job) -> str:
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Household.objects.filter(import_job_id=job.pk).exists()
    return " ".join(p["reason"] for p in job.errors)


def _records(count=2, seed=4):
    return synthetic_households(count, village_code=GIRISEKAR, seed=seed)


def test_an_xlsx_whose_shared_strings_unpack_far_beyond_its_size_is_refused(
    demo, upload, small_limits
):
    workbook = kobo_xlsx(_records(), form_build())
    strings = b"<sst>" + b"<si><t>" + b"A" * (12 * MB) + b"</t></si></sst>"
    bomb = _with_member(workbook, "xl/sharedStrings.xml", strings)
    assert len(bomb) < MB  # small as uploaded
    with translation.override("id"):
        job = upload(bomb, "bom.xlsx", source="kobo")
    reason = _refused(job)
    assert "MB" in reason and "dibuka" in reason  # Indonesian, names the limit


def test_a_member_that_compresses_a_thousand_fold_is_refused_even_under_the_total(
    demo, upload, settings
):
    settings.BERDAYA_IMPORT_MAX_UNPACKED_MB = 1024
    settings.BERDAYA_IMPORT_MAX_RATIO = 100
    workbook = kobo_xlsx(_records(), form_build())
    strings = b"<sst><si><t>" + b"B" * (4 * MB) + b"</t></si></sst>"
    job = upload(_with_member(workbook, "xl/sharedStrings.xml", strings), "r.xlsx", source="kobo")
    assert _refused(job)


def test_one_huge_row_is_refused_by_its_columns(demo, upload, settings):
    settings.BERDAYA_IMPORT_MAX_COLUMNS = 300
    from berdaya.registry.importers.samples import xlsx_bytes

    header = [f"c{i}" for i in range(2000)]
    workbook = xlsx_bytes([("data", [header, ["x"] * 2000])])
    job = upload(workbook, "lebar.xlsx", source="template")
    assert "300" in _refused(job)


def test_an_odk_zip_bomb_is_refused_from_its_directory(demo, upload, small_limits):
    export = odk_zip(_records(), form_build())
    padding = b"a,b\n" + b"1,2\n" * (3 * MB)  # 12 MB of CSV
    bomb = _with_member(export, "padding.csv", padding)
    assert len(bomb) < MB
    assert _refused(upload(bomb, "bom.zip", source="odk"))


def test_too_many_rows_are_refused(demo, upload, settings):
    settings.BERDAYA_IMPORT_MAX_ROWS = 10
    job = upload(template_filled_csv(_records(5), form_build()), "banyak.csv")
    assert "10" in _refused(job)


def test_the_budget_counts_what_is_read_whatever_the_directory_says(settings):
    from berdaya.registry.importers.tables import Budget, Limits, TableError

    limits = Limits(unpacked_bytes=1000, ratio=100, rows=10, columns=10)
    budget = Budget("x.zip", limits)
    budget.take(600)
    with pytest.raises(TableError):
        budget.take(600)


def test_a_job_past_its_time_limit_stops_with_a_reason_and_writes_nothing(demo, upload, settings):
    settings.BERDAYA_JOB_TIME_LIMIT = 0
    with translation.override("id"):
        job = upload(template_filled_csv(_records(3), form_build()), "lama.csv")
    assert "menit" in _refused(job)


def test_a_job_past_its_memory_limit_stops_with_a_reason_and_writes_nothing(demo, upload, settings):
    settings.BERDAYA_JOB_MEMORY_MB = 1
    with translation.override("id"):
        job = upload(template_filled_csv(_records(3), form_build()), "besar.csv")
    assert "memori" in _refused(job)
