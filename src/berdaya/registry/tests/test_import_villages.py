"""One export covering several villages of a programme: each household into its own village,
all or nothing, with every village checked against the programme and the person importing."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.importers.samples import (
    kobo_xlsx,
    odk_zip,
    synthetic_households,
    template_filled_csv,
    template_rows,
)
from berdaya.registry.models import (
    DuplicateNikSignal,
    Household,
    ImportJob,
    Person,
    Submission,
    VillageRegistryFigures,
)
from berdaya.registry.services import import_job_create, import_job_run
from berdaya.registry.services.import_matching import import_job_fields, import_job_map_columns
from berdaya.registry.xlsform import form_for_programme

pytestmark = pytest.mark.usefixtures("english")

MANAGER = "manajer"
FACILITATOR = "pendamping.girisekar"


@pytest.fixture
def households():
    """Four households of Girisekar and three of Sidoharjo, in one file's order (mixed)."""
    girisekar = synthetic_households(4, village_code=GIRISEKAR, seed=21)
    sidoharjo = synthetic_households(3, village_code=SIDOHARJO, seed=22)
    g, s = girisekar, sidoharjo
    return [g[0], s[0], g[1], g[2], s[1], s[2], g[3]]


def _kobo(demo, records) -> bytes:
    return kobo_xlsx(records, form_for_programme(demo.programme))


EXPORTS = {
    "kobo": ("pesisir.xlsx", kobo_xlsx),
    "odk": ("pesisir.zip", odk_zip),
    "template": ("pesisir.csv", template_filled_csv),
}


def _create(demo, data: bytes, *, user=MANAGER, name="pesisir.xlsx", source="kobo", **options):
    return import_job_create(
        user=demo.users[user],
        organisation=demo.organisation,
        programme=demo.programme,
        source=source,
        uploaded_file=SimpleUploadedFile(name, data),
        queue=False,
        **options,
    )


def _households_of(code: str) -> int:
    return VillageRegistryFigures.objects.get(village_id=code).households


@pytest.mark.parametrize("source", EXPORTS)
def test_each_household_goes_into_its_own_village_with_its_members_and_both_figures(
    demo, households, source, django_capture_on_commit_callbacks
):
    before = {code: _households_of(code) for code in (GIRISEKAR, SIDOHARJO)}
    name, export = EXPORTS[source]
    data = export(households, form_for_programme(demo.programme))

    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_run(_create(demo, data, name=name, source=source).pk)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert (job.village_id, job.households_created) == (None, 7)
    for record in households:
        uuid = f"template:{record.village_code}:{record.uuid}" if source == "template" else ""
        household = Submission.objects.get(uuid=uuid or record.uuid).household
        assert household.village_id == record.village_code
        # The members' sheet is joined through its parent index, whatever the village.
        assert sorted(household.members.values_list("name", "nik")) == sorted(
            (m.name, m.nik) for m in record.members
        )
    persons = {
        code: sum(len(r.members) for r in households if r.village_code == code)
        for code in (GIRISEKAR, SIDOHARJO)
    }
    assert job.village_counts == {
        GIRISEKAR: {"households": 4, "persons": persons[GIRISEKAR]},
        SIDOHARJO: {"households": 3, "persons": persons[SIDOHARJO]},
    }
    assert set(job.villages.values_list("code", flat=True)) == {GIRISEKAR, SIDOHARJO}
    # The stored figures of both villages count their new households.
    for code, added in ((GIRISEKAR, 4), (SIDOHARJO, 3)):
        row = VillageRegistryFigures.objects.get(village_id=code)
        assert (row.households, row.stale) == (before[code] + added, False)
    # The same file again adds nothing, in either village.
    again = import_job_run(_create(demo, data, name=name, source=source).pk)
    assert (again.status, again.households_created, again.duplicates_skipped) == ("done", 0, 7)


def test_a_village_that_is_not_the_users_refuses_the_whole_file_naming_its_rows(demo, households):
    counts = Household.objects.count(), Person.objects.count(), Submission.objects.count()

    job = import_job_run(_create(demo, _kobo(demo, households), user=FACILITATOR).pk)

    assert job.status == ImportJob.Status.FAILED
    assert (Household.objects.count(), Person.objects.count(), Submission.objects.count()) == (
        counts
    )
    [problem] = [e for e in job.errors if e["column"] == "lokasi/kode_desa"]
    # Rows 3, 6 and 7 of the main sheet (the header is row 1) are Sidoharjo's.
    assert problem["row"] == 3 and problem["value"] == SIDOHARJO
    assert problem["reason"].startswith(
        f"Sidoharjo ({SIDOHARJO}) is not one of your villages, so you cannot import"
    )
    assert problem["reason"].endswith("3 rows: 3, 6, 7.")
    assert len(job.errors) == 1  # Girisekar's rows are fine


def test_a_facilitator_cannot_start_an_import_for_a_programme_without_one_of_their_villages(
    demo, households
):
    from berdaya.organisations.models import VillageAssignment

    VillageAssignment.objects.filter(membership__user=demo.users[FACILITATOR]).delete()
    with pytest.raises(PermissionDenied):
        _create(demo, _kobo(demo, households), user=FACILITATOR)


def test_names_and_undotted_codes_are_villages_an_unknown_value_is_refused(demo, households):
    written = {GIRISEKAR: "Girisekar", SIDOHARJO: SIDOHARJO.replace(".", "")}
    for record in households:
        record.village_code = written[record.village_code]
    unknown = synthetic_households(2, village_code=GIRISEKAR, seed=23)
    unknown[0].village_code = "Wonosari"
    unknown[1].village_code = "34.03.01.2001"  # a real village, not the programme's
    before = Household.objects.count()

    job = import_job_run(_create(demo, _kobo(demo, households + unknown)).pk)

    assert job.status == ImportJob.Status.FAILED
    assert Household.objects.count() == before
    problems = {(e["row"], e["value"]): e["reason"] for e in job.errors}
    assert set(problems) == {(9, "Wonosari"), (10, "34.03.01.2001")}
    assert problems[(9, "Wonosari")] == (
        f"Not a village of the programme “{demo.programme.name}”. Its villages are "
        f"Girisekar ({GIRISEKAR}), Sidoharjo ({SIDOHARJO}) (the name or the code both work). "
        "Row 9."
    )

    job = import_job_run(_create(demo, _kobo(demo, households)).pk)
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    codes = Household.objects.filter(submissions__import_job=job).values_list(
        "village_id", flat=True
    )
    assert sorted(codes) == sorted([GIRISEKAR] * 4 + [SIDOHARJO] * 3)


def test_a_nik_in_households_of_two_villages_is_caught_across_them(demo, households):
    sidoharjo = next(r for r in households if r.village_code == SIDOHARJO)
    sidoharjo.members[0].nik = households[0].members[0].nik

    job = import_job_run(_create(demo, _kobo(demo, households)).pk)

    assert job.status == ImportJob.Status.FAILED
    assert [e["reason"] for e in job.errors] == [
        "This NIK appears twice in the file (first at row 2)."
    ]


def test_a_nik_registered_elsewhere_is_signalled_for_the_rows_village(demo, households):
    registered = Person.objects.filter(household__village_id=GIRISEKAR).exclude(nik_hash="")[0]
    sidoharjo = next(r for r in households if r.village_code == SIDOHARJO)
    sidoharjo.members[0].nik = registered.nik

    job = import_job_run(_create(demo, _kobo(demo, households)).pk)

    assert job.status == ImportJob.Status.FAILED
    signal = DuplicateNikSignal.objects.get(import_job_id=job.pk)
    assert (signal.existing_person_id, signal.attempted_village_id) == (registered.pk, SIDOHARJO)


def _template_with_village_names(records, form) -> bytes:
    """Another form's table: the village under `desa`, by its name."""
    rows = template_rows(records, form)
    header = rows[0]
    column = header.index("kode_desa")
    header[column] = "desa"
    names = {GIRISEKAR: "Girisekar", SIDOHARJO: "Desa Sidoharjo"}
    for row in rows[1:]:
        row[column] = names[row[column]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_the_column_matching_proposes_the_village_column_and_requires_one(demo, households, login):
    data = _template_with_village_names(households, form_for_programme(demo.programme))
    job = import_job_run(_create(demo, data, name="pesisir.csv", source="template").pk)
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    page = login(MANAGER).get(reverse("registry:import-columns", args=[job.pk]))
    assert page.status_code == 200
    assert '<option value="desa" selected>desa</option>' in page.content.decode()

    fields = {field.key: field for field in import_job_fields(job)}

    assert (fields["village_code"].suggested, fields["village_code"].required) == ("desa", True)
    chosen = {key: field.suggested for key, field in fields.items()}
    with pytest.raises(ValidationFailed) as refused:
        import_job_map_columns(
            user=demo.users[MANAGER], job=job, column_map={**chosen, "village_code": ""}
        )
    assert refused.value.field == "village_code"
    import_job_map_columns(user=demo.users[MANAGER], job=job, column_map=chosen)
    job = import_job_run(job.pk)
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    # The template's submission id names the household's own village, as a one-village
    # import of the same rows would.
    for record in households:
        submission = Submission.objects.get(uuid=f"template:{record.village_code}:{record.uuid}")
        assert submission.household.village_id == record.village_code


def test_a_file_without_a_village_column_is_refused_for_a_programme(demo, households):
    data = _template_with_village_names(households, form_for_programme(demo.programme))
    job = import_job_run(_create(demo, data, name="pesisir.csv", source="template").pk)
    chosen = {field.key: field.suggested for field in import_job_fields(job)}
    ImportJob.objects.filter(pk=job.pk).update(
        column_map={**chosen, "village_code": ""}, status=ImportJob.Status.WAITING
    )

    job = import_job_run(job.pk)

    assert job.status == ImportJob.Status.FAILED
    assert [e["reason"][:60] for e in job.errors] == [
        "No column of this file holds each household's village, which"
    ]


def test_the_web_page_imports_a_programme_export_and_shows_each_villages_counts(
    demo, login, households, django_capture_on_commit_callbacks
):
    client = login(MANAGER)
    form = client.get(reverse("registry:import-new")).content.decode()
    target = f"programme:{demo.programme.pk}"
    assert f'value="{target}"' in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:import-new"),
            {
                "source": "kobo",
                "target": target,
                "file": SimpleUploadedFile("pesisir.xlsx", _kobo(demo, households)),
            },
        )

    job = ImportJob.objects.latest("pk")
    assert response.status_code == 302, response.content.decode()[:500]
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page
    assert 'data-testid="import-villages"' in page
    assert f'<tr data-village="{GIRISEKAR}"><td>' in page
    assert f'<tr data-village="{SIDOHARJO}"><td>' in page
    assert Household.objects.filter(submissions__import_job=job).count() == 7
    # It wrote both villages: a facilitator of one of them does not see its report.
    facilitator = login(FACILITATOR)
    assert facilitator.get(response["Location"]).status_code == 404
    assert job.filename not in facilitator.get(reverse("registry:import-list")).content.decode()


def test_a_programme_not_offered_is_refused_on_the_page(demo, login, households):
    jobs = ImportJob.objects.count()
    client = login(FACILITATOR)
    response = client.post(
        reverse("registry:import-new"),
        {
            "source": "kobo",
            "target": "programme:999999",
            "file": SimpleUploadedFile("pesisir.xlsx", _kobo(demo, households)),
        },
    )
    assert response.status_code == 422
    assert ImportJob.objects.count() == jobs


def test_a_facilitators_programme_job_is_theirs_to_see_and_not_the_other_villages(
    demo, login, households
):
    girisekar = [r for r in households if r.village_code == GIRISEKAR]
    job = import_job_run(_create(demo, _kobo(demo, girisekar), user=FACILITATOR).pk)
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    url = reverse("registry:import-detail", args=[job.pk])
    assert login(FACILITATOR).get(url).status_code == 200
    assert login("pendamping.sidoharjo").get(url).status_code == 404
    assert login(MANAGER).get(url).status_code == 200


def test_the_command_imports_for_a_programme_and_counts_each_village(demo, households, tmp_path):
    path = tmp_path / "pesisir.xlsx"
    path.write_bytes(_kobo(demo, households))
    out = StringIO()

    call_command(
        "import_households",
        str(path),
        source="kobo",
        programme=str(demo.programme.pk),
        user=MANAGER,
        stdout=out,
        stderr=StringIO(),
    )

    persons = sum(len(r.members) for r in households if r.village_code == SIDOHARJO)
    assert f"Sidoharjo ({SIDOHARJO}): 3 households, {persons} persons" in out.getvalue()
    assert f"Girisekar ({GIRISEKAR}): 4 households" in out.getvalue()


def test_codes_labels_and_names_unique_in_the_programme_are_its_villages():
    from berdaya.registry.importers.base import ImportedHousehold
    from berdaya.registry.records import Where
    from berdaya.registry.services.import_villages import VillageResolver

    other = "34.03.07.2004"  # a second Sidoharjo, as names repeat across kecamatan
    resolver = VillageResolver(
        {GIRISEKAR: "Girisekar", SIDOHARJO: "Sidoharjo", other: "Sidoharjo"},
        writable={GIRISEKAR, other},
        programme="Pesisir",
    )
    assert resolver.resolve("Girisekar (34.03.06.2002)") == (GIRISEKAR, "")
    assert resolver.resolve("Desa  GIRISEKAR") == (GIRISEKAR, "")
    assert resolver.resolve("3403062002") == (GIRISEKAR, "")
    assert resolver.resolve("34 03 07 2004") == (other, "")
    assert resolver.resolve("Sidoharjo") == ("", "ambiguous")
    assert resolver.resolve(SIDOHARJO) == (SIDOHARJO, "not-yours")
    assert resolver.resolve("") == ("", "missing")

    records = [
        ImportedHousehold(village_code="Sidoharjo", members=[], where=Where(row, "data"))
        for row in range(2, 16)
    ]
    [problem] = resolver.apply(records, column="desa")
    assert (problem.row, problem.column, problem.value) == (2, "desa", "Sidoharjo")
    assert problem.reason == (
        f"More than one village of the programme has this name (Sidoharjo ({SIDOHARJO}), "
        f"Sidoharjo ({other})): write the village's code instead. "
        "14 rows: 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 4 more."
    )
    assert {record.village_code for record in records} == {"Sidoharjo"}  # left as written
