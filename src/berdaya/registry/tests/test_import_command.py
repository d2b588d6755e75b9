"""`berdaya import-households`: the same all-or-nothing import as the web page, from a
terminal, with the report on stderr and exit code 2 when nothing was written."""

from __future__ import annotations

import csv
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.importers.samples import (
    odk_zip,
    synthetic_households,
    template_filled_csv,
    template_rows,
)
from berdaya.registry.models import Household, ImportJob, Person
from berdaya.registry.xlsform import form_build

pytestmark = pytest.mark.usefixtures("english")

FACILITATOR = "pendamping.girisekar"


@pytest.fixture
def households():
    return synthetic_households(12, village_code=GIRISEKAR, seed=11)


def _run(path, *, source="template", village=GIRISEKAR, user=FACILITATOR, **options):
    out, err = StringIO(), StringIO()
    call_command(
        "import_households",
        str(path),
        source=source,
        village=village,
        user=user,
        stdout=out,
        stderr=err,
        **options,
    )
    return out.getvalue(), err.getvalue()


def _counts() -> tuple[int, int, int]:
    return Household.objects.count(), Person.objects.count(), ImportJob.objects.count()


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_a_file_imports_once_and_a_second_run_adds_nothing(demo, households, tmp_path):
    path = tmp_path / "girisekar.csv"
    path.write_bytes(template_filled_csv(households, form_build()))
    persons = sum(len(h.members) for h in households)
    before = _counts()

    out, _err = _run(path)

    assert f"Imported: 12 households and {persons} persons" in out
    assert Household.objects.count() == before[0] + 12
    assert Person.objects.count() == before[1] + persons
    job = ImportJob.objects.latest("pk")
    assert (job.created_by.username, job.status, job.stored_file) == (FACILITATOR, "done", "")
    again, _err = _run(path)
    assert "0 households and 0 persons; 12 submissions were already imported" in again
    assert Household.objects.count() == before[0] + 12


def test_an_odk_central_zip_imports_too(demo, households, tmp_path):
    path = tmp_path / "berdaya_pemetaan.zip"
    path.write_bytes(odk_zip(households, form_build(), group_paths=True))
    out, _err = _run(path, source="odk")
    assert "Imported: 12 households" in out


def test_a_bad_row_writes_nothing_and_is_reported_with_row_and_column(demo, households, tmp_path):
    rows = template_rows(households, form_build())
    nik = rows[0].index("nik")
    rows[5][nik] = "12345"
    path = tmp_path / "girisekar.csv"
    path.write_bytes(_csv(rows))
    households_before, persons_before, _jobs = _counts()

    with pytest.raises(CommandError) as caught:
        _run(path)

    assert caught.value.returncode == 2
    assert "Nothing was imported" in str(caught.value)
    assert (Household.objects.count(), Person.objects.count()) == (
        households_before,
        persons_before,
    )
    job = ImportJob.objects.latest("pk")
    assert job.status == "failed"
    assert any(e["row"] == 6 and e["column"] == "nik" for e in job.errors)


def test_the_report_lists_each_problem_on_stderr(demo, households, tmp_path):
    rows = template_rows(households, form_build())
    rows[5][rows[0].index("nik")] = "12345"
    path = tmp_path / "girisekar.csv"
    path.write_bytes(_csv(rows))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_households",
            str(path),
            source="template",
            village=GIRISEKAR,
            user=FACILITATOR,
            stdout=StringIO(),
            stderr=err,
        )
    lines = err.getvalue().splitlines()
    assert any(line.startswith("girisekar.csv, row 6, column nik “*****”:") for line in lines)
    assert "12345" not in err.getvalue()  # an identifier is shown masked, as on the page


def test_a_form_of_its_own_prints_the_proposed_matching_then_imports_with_it(
    demo, households, tmp_path
):
    rows = template_rows(households, form_build())
    rows[0][rows[0].index("nama")] = "q12"
    path = tmp_path / "other-form.csv"
    path.write_bytes(_csv(rows))
    households_before = Household.objects.count()
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_households",
            str(path),
            source="template",
            village=GIRISEKAR,
            user=FACILITATOR,
            stdout=out,
            stderr=StringIO(),
        )
    assert "--columns" in str(caught.value) and "name" in str(caught.value)
    proposal = json.loads(out.getvalue())
    assert proposal["nik"] == "nik" and proposal["name"] == ""
    assert Household.objects.count() == households_before

    columns = tmp_path / "columns.json"
    columns.write_text(json.dumps({**proposal, "name": "q12"}), encoding="utf-8")
    done, _err = _run(path, columns=str(columns))
    assert "Imported: 12 households" in done


@pytest.mark.parametrize(
    "options, message",
    [
        ({"village": SIDOHARJO}, f"cannot import into village {SIDOHARJO}"),
        ({"village": "9999999999"}, "cannot import into village 9999999999"),
        ({"user": "pemantau"}, "cannot import into village"),
        ({"user": "nobody"}, "There is no active user “nobody”"),
        ({"organisation": "Another foundation"}, "cannot import into village"),
    ],
)
def test_who_and_where_are_checked_before_anything_is_kept(
    demo, households, tmp_path, options, message
):
    path = tmp_path / "girisekar.csv"
    path.write_bytes(template_filled_csv(households, form_build()))
    before = _counts()
    with pytest.raises(CommandError) as caught:
        _run(path, **options)
    assert caught.value.returncode == 2
    assert message in str(caught.value)
    assert _counts() == before


def test_a_wrong_file_is_refused_with_the_upload_message(demo, tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(CommandError, match="There is no file"):
        _run(missing)
    text = tmp_path / "data.xlsx"
    text.write_bytes(b"not a spreadsheet")
    before = _counts()
    with pytest.raises(CommandError) as caught:
        _run(text, source="kobo")
    assert "it may be damaged" in str(caught.value)
    assert _counts() == before


@pytest.mark.parametrize("content", ["not json", '["a", "b"]', '{"name": 3}'])
def test_a_bad_columns_file_is_refused(demo, households, tmp_path, content):
    path = tmp_path / "girisekar.csv"
    path.write_bytes(template_filled_csv(households, form_build()))
    columns = tmp_path / "columns.json"
    columns.write_text(content, encoding="utf-8")
    before = _counts()
    with pytest.raises(CommandError) as caught:
        _run(path, columns=str(columns))
    assert caught.value.returncode == 2 and "columns.json" in str(caught.value)
    assert _counts() == before


def _other_form(households, tmp_path):
    rows = template_rows(households, form_build())
    rows[0][rows[0].index("nama")] = "Nama Lengkap"
    path = tmp_path / "other-form.csv"
    path.write_bytes(_csv(rows))
    return path


def test_the_proposal_lists_the_files_sheets_and_columns(demo, households, tmp_path):
    path = _other_form(households, tmp_path)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_households",
            str(path),
            source="template",
            village=GIRISEKAR,
            user=FACILITATOR,
            stdout=StringIO(),
            stderr=err,
        )
    assert "Sheet “other-form.csv”:" in err.getvalue()
    assert "Nama Lengkap" in err.getvalue()


@pytest.mark.parametrize(
    ("matching", "message"),
    [
        ({"name": "Nama Lenkap"}, "“Nama Lenkap”, given for “name”, is not a column of this file"),
        ({"nama_lengkap": "Nama Lengkap"}, "“nama_lengkap” is not a field Berdaya reads"),
    ],
)
def test_a_matching_that_names_what_is_not_there_is_refused(
    demo, households, tmp_path, matching, message
):
    path = _other_form(households, tmp_path)
    columns = tmp_path / "columns.json"
    columns.write_text(json.dumps({"name": "Nama Lengkap", **matching}), encoding="utf-8")
    before = _counts()[:2]
    with pytest.raises(CommandError):
        _run(path, columns=str(columns))
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.FAILED
    assert any(message in problem["reason"] for problem in job.errors)
    assert _counts()[:2] == before
