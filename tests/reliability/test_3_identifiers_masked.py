"""Finding 3: full NIKs were kept and shown in import reports when a NIK landed in another
column (`nik` and `rw` headers swapped): `ImportJob.errors` held
`"column": "rw", "value": "3403060201990001"` and the import page showed it.

Any 16-digit value, wherever it appears in a file (a shifted column, free text, the file
name), is masked before it is stored or shown: checked in the database, on the page, in
the logs and in the audit trail."""

from __future__ import annotations

import json
import logging

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.samples import synthetic_households, template_rows
from berdaya.registry.models import Household, ImportJob
from berdaya.registry.xlsform import form_build

from .conftest import clear_identifiers

NIK_IN_NAME = "pemetaan_3403064107850001.csv"


def _csv(rows) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def _swapped_nik_and_rw(records) -> bytes:
    rows = template_rows(records, form_build())
    header = rows[0]
    nik, rw = header.index("nik"), header.index("rw")
    header[nik], header[rw] = "rw", "nik"
    return _csv(rows)


def _formatted_logs(caplog) -> str:
    """The log records as the configured console handler writes them."""
    handlers = [h for h in logging.getLogger().handlers if h.formatter is not None]
    formatter = handlers[0].formatter if handlers else logging.Formatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_a_nik_under_a_swapped_header_is_masked_in_the_report_page_and_logs(
    demo, upload, login, caplog
):
    records = synthetic_households(3, village_code=GIRISEKAR, seed=17)
    niks = {m.nik for r in records for m in r.members if m.nik}
    with caplog.at_level(logging.INFO):
        job = upload(_swapped_nik_and_rw(records), NIK_IN_NAME)
        logging.getLogger("berdaya.registry").warning("Row rejected: %s", next(iter(niks)))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    stored = json.dumps([job.errors, job.warnings, job.filename])
    assert any(p["column"] == "rw" for p in job.errors)  # the shifted column is reported
    assert clear_identifiers(stored) == []
    assert "3403**********01" in job.filename  # the file name keeps its shape, masked

    page = login("pendamping.girisekar").get(reverse("registry:import-detail", args=[job.pk]))
    assert page.status_code == 200
    assert clear_identifiers(page.content.decode()) == []

    assert clear_identifiers(_formatted_logs(caplog)) == []
    audit = LogEntry.objects.filter(object_pk=str(job.pk), content_type__model="importjob")
    assert audit.exists()
    assert clear_identifiers(json.dumps([(e.changes, e.object_repr) for e in audit])) == []


def test_a_nik_typed_into_free_text_is_masked_before_it_is_stored(demo, upload):
    records = synthetic_households(2, village_code=GIRISEKAR, seed=18)
    records[0].address = "Dekat balai, NIK ayah 3403-0641-0785-0001"
    records[0].survey["notes"] = "KK lama 3403061212120003 hilang"
    job = upload(_csv(template_rows(records, form_build())), "pemetaan.csv")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    households = Household.objects.filter(import_job_id=job.pk).select_related("latest_survey")
    assert households.count() == 2
    for household in households:
        assert clear_identifiers(household.address) == []
        assert clear_identifiers(household.latest_survey.notes) == []
    assert any("3403**********01" in h.address for h in households)


def test_a_traceback_that_quotes_a_nik_is_masked_in_the_log(caplog):
    with caplog.at_level(logging.ERROR):
        try:
            raise ValueError("cell 3403060201990001 is not a number")
        except ValueError:
            logging.getLogger("berdaya").exception("Import failed")
    assert "3403060201990001" in caplog.text  # the record itself, before formatting
    assert clear_identifiers(_formatted_logs(caplog)) == []


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("3403060201990001", "3403**********01"),
        ("NIK: 3403 0602 0199 0001.", "NIK: 3403**********01."),
        ("phone 081234567890", "phone 081234567890"),  # 12 digits: not an identifier
        ("99999999999999999999999", "9999*****************99"),  # longer runs masked whole
    ],
)
def test_the_one_masking_function(text, masked):
    from berdaya.core.masking import mask_identifiers

    assert mask_identifiers(text) == masked
