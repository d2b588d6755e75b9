"""Forms Berdaya did not write: answers recoded while matching columns, the members'
sheet chosen among several repeats (one inside another), columns proposed by similarity.

The workbooks are laid out as KoboToolbox's formpack writes an "XML values and headers"
export: the main sheet with `_index`, `_uuid`, `_submission_time`; each repeat a sheet
with `_index`, `_parent_table_name` (the section it is in) and `_parent_index`.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from berdaya.demo.community import GIRISEKAR
from berdaya.registry.importers.recode import normalise, propose, recode_problems
from berdaya.registry.importers.samples import xlsx_bytes
from berdaya.registry.importers.similar import suggest
from berdaya.registry.models import Household, ImportJob, Person
from berdaya.registry.services import (
    import_job_choose_members,
    import_job_create,
    import_job_fields,
    import_job_map_columns,
    import_job_run,
    import_job_sheets,
)
from berdaya.registry.xlsform import form_build

pytestmark = pytest.mark.usefixtures("english")

FACILITATOR = "pendamping.girisekar"
SUBMITTED = "2026-08-17T09:30:00"

# --- a UNICEF-style household registration (one repeat of individuals) --------------

UNICEF_MAIN = "Household Registration"
UNICEF_PEOPLE = "individual_details"
# Three households: (uuid, hamlet, address, people: (name, gender, relationship, birth)).
UNICEF_HOUSEHOLDS = [
    (
        "6a0f3c52-0001-4c1e-9d1e-000000000001",
        "Blimbing",
        "Jl. Panggang km 3",
        [
            ("Sumarni", "female", "1", "1979-03-14"),
            ("Paijo", "male", "2", "1975-11-02"),
            ("Rini", "female", "3", "2008-06-21"),
            ("Bagas", "male", "4", "2021-01-09"),
        ],
    ),
    (
        "6a0f3c52-0002-4c1e-9d1e-000000000002",
        "Blimbing",
        "Jl. Panggang km 4",
        [("Tukiman", "male", "1", "1960-02-01"), ("Legi", "female", "2", "1963-08-30")],
    ),
    (
        "6a0f3c52-0003-4c1e-9d1e-000000000003",
        "Ngawis",
        "Dusun Ngawis RT 02",
        [("Wartini", "female", "1", "1988-12-12"), ("Dimas", "male", "3", "2012-04-04")],
    ),
]


def unicef_export() -> bytes:
    main = [
        [
            "start",
            "end",
            "consent_h_c",
            "household_info/hamlet_h_c",
            "household_info/address_h_c",
            "household_info/size_h_c",
            "_id",
            "_uuid",
            "_submission_time",
            "_validation_status",
            "_submitted_by",
            "_index",
        ]
    ]
    people = [
        [
            f"{UNICEF_PEOPLE}/full_name_i_c",
            f"{UNICEF_PEOPLE}/gender_i_c",
            f"{UNICEF_PEOPLE}/relationship_i_c",
            f"{UNICEF_PEOPLE}/birth_date_i_c",
            "_index",
            "_parent_table_name",
            "_parent_index",
            "_submission__id",
            "_submission__uuid",
        ]
    ]
    person_index = 0
    for index, (uuid, hamlet, address, members) in enumerate(UNICEF_HOUSEHOLDS, start=1):
        main.append(
            [
                SUBMITTED,
                SUBMITTED,
                "yes",
                hamlet,
                address,
                len(members),
                9000 + index,
                uuid,
                SUBMITTED,
                "",
                "enumerator_1",
                index,
            ]
        )
        for name, gender, relationship, birth in members:
            person_index += 1
            people.append(
                [
                    name,
                    gender,
                    relationship,
                    birth,
                    person_index,
                    UNICEF_MAIN,
                    index,
                    9000 + index,
                    uuid,
                ]
            )
    return xlsx_bytes([(UNICEF_MAIN, main), (UNICEF_PEOPLE, people)])


def unicef_xlsform() -> bytes:
    """The form it was collected with: its relationship list numbers 4 as a grandchild,
    where the registers' 4 is a child-in-law (menantu)."""
    survey = [
        ["type", "name", "label::English (en)"],
        ["select_one yn", "consent_h_c", "Does the household consent?"],
        ["begin_group", "household_info", "Household"],
        ["text", "hamlet_h_c", "Hamlet"],
        ["text", "address_h_c", "Address"],
        ["integer", "size_h_c", "Household size"],
        ["end_group", "", ""],
        ["begin_repeat", UNICEF_PEOPLE, "Individuals"],
        ["text", "full_name_i_c", "Full name"],
        ["select_one gender", "gender_i_c", "Gender"],
        ["select_one relationship", "relationship_i_c", "Relationship to the head"],
        ["date", "birth_date_i_c", "Date of birth"],
        ["end_repeat", "", ""],
    ]
    choices = [
        ["list_name", "name", "label::English (en)"],
        ["yn", "yes", "Yes"],
        ["yn", "no", "No"],
        ["gender", "male", "Male"],
        ["gender", "female", "Female"],
        ["relationship", "1", "Head of household"],
        ["relationship", "2", "Wife / Husband"],
        ["relationship", "3", "Son / Daughter"],
        ["relationship", "4", "Grandchild"],
    ]
    return xlsx_bytes([("survey", survey), ("choices", choices), ("settings", [["form_id"]])])


def _create(demo, data: bytes, *, name="export.xlsx", form: bytes | None = None, columns=None):
    return import_job_create(
        user=demo.users[FACILITATOR],
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        source=ImportJob.Source.KOBO,
        uploaded_file=SimpleUploadedFile(name, data),
        form_file=SimpleUploadedFile("form.xlsx", form) if form is not None else None,
        column_map=columns,
    )


def _proposal(job) -> tuple[dict, dict]:
    fields = import_job_fields(job)
    columns = {f.key: f.suggested for f in fields}
    recoding = {f.key: {r.answer: r.suggested for r in f.recode} for f in fields if f.recode}
    return columns, recoding


def test_a_unicef_style_registration_is_proposed_recoded_and_imported(demo):
    job = import_job_run(_create(demo, unicef_export(), form=unicef_xlsform()).pk)
    assert job.status == ImportJob.Status.NEEDS_MAPPING

    columns, recoding = _proposal(job)
    # Similar names, without group paths and `_h_c` / `_i_c` suffixes.
    assert columns["name"] == f"{UNICEF_PEOPLE}/full_name_i_c"
    assert columns["sex"] == f"{UNICEF_PEOPLE}/gender_i_c"
    assert columns["relation"] == f"{UNICEF_PEOPLE}/relationship_i_c"
    assert columns["birth_date"] == f"{UNICEF_PEOPLE}/birth_date_i_c"
    assert columns["dusun"] == "household_info/hamlet_h_c"
    assert columns["address"] == "household_info/address_h_c"
    assert columns["consent"] == "consent_h_c"
    assert columns["income_band"] == ""  # "Household size" is not "Household income"
    # "male"/"female" are Berdaya's English labels, read as they are; the relationship's
    # numbers are recoded from the form's own choices sheet (4 = Grandchild).
    assert "sex" not in recoding
    assert recoding["relation"] == {"1": "head", "2": "spouse", "3": "child", "4": "grandchild"}

    job = import_job_map_columns(
        user=demo.users[FACILITATOR], job=job, column_map=columns, recoding=recoding
    )
    job = import_job_run(job.pk)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert (job.households_created, job.persons_created) == (3, 8)
    assert job.column_map["recode"]["relation"]["4"] == "grandchild"  # kept with the job
    household = Household.objects.get(submissions__uuid=UNICEF_HOUSEHOLDS[0][0])
    people = {p.name: (p.sex, p.relation) for p in household.members.all()}
    assert people == {
        "Sumarni": ("P", "head"),
        "Paijo": ("L", "spouse"),
        "Rini": ("P", "child"),
        "Bagas": ("L", "grandchild"),
    }
    assert household.dusun == "Blimbing"


def test_without_the_form_the_registers_numbers_are_proposed(demo):
    job = import_job_run(_create(demo, unicef_export()).pk)
    _columns, recoding = _proposal(job)
    # The Indonesian registers' 4 is menantu: without the form that is the proposal.
    assert recoding["relation"] == {"1": "head", "2": "spouse", "3": "child", "4": "child_in_law"}


def test_answers_left_unrecoded_stop_the_import_with_their_rows(demo):
    job = import_job_run(_create(demo, unicef_export()).pk)
    columns, _recoding = _proposal(job)
    before = Person.objects.count()
    job = import_job_map_columns(
        user=demo.users[FACILITATOR],
        job=job,
        column_map=columns,
        recoding={"relation": {"1": "head", "2": "spouse"}},
    )
    job = import_job_run(job.pk)
    assert job.status == ImportJob.Status.FAILED
    relation = [e for e in job.errors if e["column"] == f"{UNICEF_PEOPLE}/relationship_i_c"]
    # The children and the grandchild, by row: nothing is written (all or nothing).
    assert [(e["row"], e["value"]) for e in relation] == [(4, "3"), (5, "4"), (9, "3")]
    assert Person.objects.count() == before


# --- a KoboToolbox workbook with three repeat sheets, people in a nested one ------------

NESTED_MAIN = "Pendataan Keluarga"


def nested_export() -> bytes:
    """Households with plots (`kebun`), buildings (`bangunan`) and, inside each building,
    its occupants (`penghuni`): the people are a repeat inside a repeat."""
    main = [["rt", "rw", "_id", "_uuid", "_submission_time", "_index"]]
    main += [
        ["001", "02", 501, "7b1e0000-0000-4000-8000-000000000001", SUBMITTED, 1],
        ["003", "02", 502, "7b1e0000-0000-4000-8000-000000000002", SUBMITTED, 2],
    ]
    plots = [["kebun/luas_m2", "kebun/tanaman", "_index", "_parent_table_name", "_parent_index"]]
    plots += [[500, "padi", 1, NESTED_MAIN, 1], [80, "cabai", 2, NESTED_MAIN, 2]]
    buildings = [["bangunan/jenis", "_index", "_parent_table_name", "_parent_index"]]
    buildings += [["rumah", 1, NESTED_MAIN, 1], ["dapur", 2, NESTED_MAIN, 1]]
    buildings += [["rumah", 3, NESTED_MAIN, 2]]
    occupants = [
        [
            "bangunan/penghuni/nama_penghuni",
            "bangunan/penghuni/jk",
            "bangunan/penghuni/hub",
            "bangunan/penghuni/tgl_lahir",
            "_index",
            "_parent_table_name",
            "_parent_index",
        ]
    ]
    occupants += [
        ["Sugeng", "laki_laki", "kepala_keluarga", "1970-01-01", 1, "bangunan", 1],
        ["Ponirah", "perempuan", "istri", "1972-05-05", 2, "bangunan", 1],
        ["Mbah Karto", "laki_laki", "orang_tua", "1940-07-07", 3, "bangunan", 2],
        ["Yuni", "perempuan", "kepala_keluarga", "1990-09-09", 4, "bangunan", 3],
    ]
    return xlsx_bytes(
        [
            (NESTED_MAIN, main),
            ("kebun", plots),
            ("bangunan", buildings),
            ("penghuni", occupants),
        ]
    )


NESTED_COLUMNS = {
    "rt": "rt",
    "rw": "rw",
    "name": "bangunan/penghuni/nama_penghuni",
    "sex": "bangunan/penghuni/jk",
    "relation": "bangunan/penghuni/hub",
    "birth_date": "bangunan/penghuni/tgl_lahir",
}


def test_the_people_of_a_nested_repeat_are_joined_to_their_households(demo):
    job = import_job_run(_create(demo, nested_export()).pk)
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    sheets = {s.name: s.path for s in import_job_sheets(job)}
    assert sheets == {
        "kebun": f"{NESTED_MAIN} > kebun",
        "bangunan": f"{NESTED_MAIN} > bangunan",
        "penghuni": f"{NESTED_MAIN} > bangunan > penghuni",
    }
    user = demo.users[FACILITATOR]
    job = import_job_run(import_job_choose_members(user=user, job=job, sheet="penghuni").pk)
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    assert job.file_columns["member"]["sheet"] == "penghuni"

    fields = {f.key: f for f in import_job_fields(job, chosen=NESTED_COLUMNS)}
    recoding = {k: {r.answer: r.suggested for r in f.recode} for k, f in fields.items() if f.recode}
    assert recoding == {
        "sex": {"laki_laki": "L"},  # "perempuan" is Berdaya's label already
        "relation": {"kepala_keluarga": "head", "istri": "spouse", "orang_tua": "parent"},
    }
    job = import_job_map_columns(user=user, job=job, column_map=NESTED_COLUMNS, recoding=recoding)
    job = import_job_run(job.pk)

    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.column_map["members_sheet"] == "penghuni"
    first = Household.objects.get(submissions__uuid="7b1e0000-0000-4000-8000-000000000001")
    # Both buildings of the first household: its people are one household.
    assert sorted(first.members.values_list("name", flat=True)) == [
        "Mbah Karto",
        "Ponirah",
        "Sugeng",
    ]
    second = Household.objects.get(submissions__uuid="7b1e0000-0000-4000-8000-000000000002")
    assert list(second.members.values_list("name", "relation")) == [("Yuni", "head")]


def test_a_sheet_that_is_not_a_repeat_of_the_file_is_refused(demo):
    from berdaya.core.errors import ValidationFailed

    job = import_job_run(_create(demo, nested_export()).pk)
    with pytest.raises(ValidationFailed, match="is not a repeat sheet"):
        import_job_choose_members(user=demo.users[FACILITATOR], job=job, sheet=NESTED_MAIN)


# --- malformed recodings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("recode", "message"),
    [
        ("male=L", "“recode” harus berupa objek"),
        ({"gender": {"male": "L"}}, "“gender” dalam “recode” bukan kolom isian"),
        ({"name": {"x": "y"}}, "tidak diambil dari daftar"),
        ({"sex": ["male", "L"]}, "harus berupa objek"),
        ({"sex": {"male": "M"}}, "“M” bukan salah satu kode Berdaya untuk “sex”"),
    ],
)
def test_a_malformed_recoding_is_refused_in_indonesian(demo, recode, message):
    with translation.override("id"):
        problems = recode_problems(
            recode,
            [q for q in form_build().questions() if q.key in {"name", "sex", "relation"}],
            form_build(),
        )
    assert problems and message in problems[0].reason


def test_the_cli_refuses_a_malformed_recoding_and_imports_a_good_one(demo, tmp_path):
    data = tmp_path / "unicef.xlsx"
    data.write_bytes(unicef_export())
    form = tmp_path / "form.xlsx"
    form.write_bytes(unicef_xlsform())

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_households",
            str(data),
            source="kobo",
            village=GIRISEKAR,
            user=FACILITATOR,
            form=str(form),
            stdout=out,
            stderr=io.StringIO(),
        )
    proposal = json.loads(out.getvalue())
    assert proposal["recode"]["relation"]["4"] == "grandchild"  # from the form's choices

    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({**proposal, "recode": {"sex": {"male": "M", "female": "P"}}}),
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_households",
            str(data),
            source="kobo",
            village=GIRISEKAR,
            user=FACILITATOR,
            columns=str(bad),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "“M” is not one of Berdaya's codes for “sex”" in err.getvalue()

    good = tmp_path / "good.json"
    good.write_text(json.dumps(proposal), encoding="utf-8")
    out = io.StringIO()
    call_command(
        "import_households",
        str(data),
        source="kobo",
        village=GIRISEKAR,
        user=FACILITATOR,
        columns=str(good),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Imported: 3 households and 8 persons" in out.getvalue()


def test_a_form_file_that_is_not_an_xlsform_is_refused(demo):
    from berdaya.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="is not an XLSForm"):
        _create(demo, unicef_export(), form=xlsx_bytes([("Sheet1", [["a", "b"]])]))


# --- proposals -------------------------------------------------------------------------


def test_recodings_are_proposed_from_labels_ignoring_case_accents_and_underscores(db):
    form = form_build()
    relation = next(q for q in form.questions() if q.key == "relation")
    proposal = propose(
        ["KEPALA_RUMAH_TANGGA", "Istri / Suami", "wife_husband", "son_daughter", "xyz"],
        relation,
        form,
    )
    assert proposal == {
        "KEPALA_RUMAH_TANGGA": "head",
        "Istri / Suami": "spouse",
        "wife_husband": "spouse",
        "son_daughter": "child",
        "xyz": "",  # nothing tells: the person importing says
    }
    assert normalise("Famíli_lain") == "famili lain"


def test_similar_columns_are_proposed_but_unrelated_ones_are_not(db):
    form = form_build()
    members = [q for q in form.questions() if q.level == "member"]
    proposal = suggest(
        ["grp-full_name", "hh.gender", "relationship_h_c", "tanggal_lahir_i_c", "favourite_food"],
        members,
    )
    assert proposal == {
        "name": "grp-full_name",
        "sex": "hh.gender",
        "relation": "relationship_h_c",
        "birth_date": "tanggal_lahir_i_c",
    }


# --- the web page ----------------------------------------------------------------------


@pytest.fixture
def client_en(login, settings):
    client = login(FACILITATOR)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_page_lets_the_members_sheet_be_chosen_then_recodes_and_imports(
    demo, client_en, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_en.post(
            reverse("registry:import-new"),
            {
                "source": "kobo",
                "target": f"{demo.organisation.pk}:{GIRISEKAR}",
                "file": SimpleUploadedFile("pendataan.xlsx", nested_export()),
            },
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportJob.Status.NEEDS_MAPPING
    url = reverse("registry:import-columns", args=[job.pk])

    page = client_en.get(url).content.decode()
    assert 'data-testid="members-sheet"' in page
    assert 'value="penghuni"' in page and f"{NESTED_MAIN} &gt; bangunan &gt; penghuni" in page
    assert 'data-testid="columns-form"' not in page  # the people's sheet comes first

    refused = client_en.post(url, {"members_sheet": "nowhere"})
    assert refused.status_code == 422 and "is not a repeat sheet" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client_en.post(url, {"members_sheet": "penghuni"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_MAPPING
    page = client_en.get(url).content.decode()
    assert 'data-testid="columns-form"' in page

    # Columns chosen on the page: their answers are shown for recoding before importing.
    posted = {f"column-{key}": column for key, column in NESTED_COLUMNS.items()}
    shown = client_en.post(url, posted)
    html = shown.content.decode()
    assert shown.status_code == 200 and 'data-testid="form-notice"' in html
    assert 'data-testid="recode-relation"' in html and "“kepala_keluarga”" in html
    job.refresh_from_db()
    assert job.status == ImportJob.Status.NEEDS_MAPPING  # nothing saved yet

    recode = {
        "shown-sex": NESTED_COLUMNS["sex"],
        "shown-relation": NESTED_COLUMNS["relation"],
        "recode-count-sex": "1",
        "recode-answer-sex-0": "laki_laki",
        "recode-sex-0": "L",
        "recode-count-relation": "3",
        "recode-answer-relation-0": "kepala_keluarga",
        "recode-relation-0": "head",
        "recode-answer-relation-1": "istri",
        "recode-relation-1": "spouse",
        "recode-answer-relation-2": "orang_tua",
        "recode-relation-2": "parent",
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = client_en.post(url, {**posted, **recode})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert job.persons_created == 4

    detail = client_en.get(reverse("registry:import-detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-recoding"' in detail
    assert "kepala_keluarga" in detail and "penghuni" in detail


def test_the_upload_page_takes_the_form_with_the_data(
    demo, client_en, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_en.post(
            reverse("registry:import-new"),
            {
                "source": "kobo",
                "target": f"{demo.organisation.pk}:{GIRISEKAR}",
                "file": SimpleUploadedFile("unicef.xlsx", unicef_export()),
                "form_file": SimpleUploadedFile("form.xlsx", unicef_xlsform()),
            },
        )
    job = ImportJob.objects.get()
    assert job.file_columns["form"]["lists"]["relationship"]["4"] == ["Grandchild"]
    page = client_en.get(reverse("registry:import-columns", args=[job.pk])).content.decode()
    assert 'data-testid="recode-relation"' in page
    assert '<option value="grandchild" selected>' in page


# --- ODK Central: a repeat inside a repeat -------------------------------------------------


def _zip(files: dict[str, list[list]]) -> bytes:
    import csv
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, rows in files.items():
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def test_an_odk_nested_repeat_is_joined_through_its_parent_keys(db):
    from berdaya.registry.importers import OdkImporter

    data = _zip(
        {
            "survei.csv": [
                ["SubmissionDate", "rt", "meta-instanceID", "KEY"],
                [SUBMITTED, "001", "uuid:a", "uuid:a"],
                [SUBMITTED, "002", "uuid:b", "uuid:b"],
            ],
            "survei-bangunan.csv": [
                ["jenis", "PARENT_KEY", "KEY"],
                ["rumah", "uuid:a", "uuid:a/grp/bangunan[1]"],
                ["dapur", "uuid:a", "uuid:a/grp/bangunan[2]"],
                ["rumah", "uuid:b", "uuid:b/grp/bangunan[1]"],
            ],
            "survei-penghuni.csv": [
                ["nama", "jk", "hub", "PARENT_KEY", "KEY"],
                ["Sugeng", "L", "head", "uuid:a/grp/bangunan[1]", "uuid:a/grp/bangunan[1]/p[1]"],
                ["Karto", "L", "parent", "uuid:a/grp/bangunan[2]", "uuid:a/grp/bangunan[2]/p[1]"],
                ["Yuni", "P", "head", "uuid:b/grp/bangunan[1]", "uuid:b/grp/bangunan[1]/p[1]"],
                ["Hantu", "P", "head", "uuid:c/grp/bangunan[9]", "uuid:c/grp/bangunan[9]/p[1]"],
            ],
        }
    )
    result = OdkImporter().parse(
        data,
        filename="survei.zip",
        form=form_build(),
        column_map={
            "members_sheet": "survei-penghuni.csv",
            "rt": "rt",
            "name": "nama",
            "sex": "jk",
            "relation": "hub",
        },
        village_code=GIRISEKAR,
    )
    members = {r.uuid: [m.name for m in r.members] for r in result.records}
    assert members == {"a": ["Sugeng", "Karto"], "b": ["Yuni"]}
    (problem,) = result.errors  # a row whose building is not in the file
    assert (problem.sheet, problem.row, problem.value) == (
        "survei-penghuni.csv",
        5,
        "uuid:c/grp/bangunan[9]",
    )
    assert "survei-bangunan.csv" in problem.reason
