"""Exports: de-identified by default, identified only for managers with a purpose, all logged."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from berdaya.core.models import PersonalDataAccess
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry import exports
from berdaya.registry.models import Household, Person

EXPORT = "/registri/rumah-tangga/ekspor/"


def _rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _post(client, query: str = "", **data):
    return client.post(f"{EXPORT}?{query}", {"level": "households", "file_format": "csv", **data})


def _identifiers(demo, village: str = GIRISEKAR) -> list[str]:
    persons = Person.objects.filter(organisation=demo.organisation, household__village_id=village)
    values = []
    for person in persons.select_related("household"):
        values += [person.name, person.nik, person.household.kk]
        if person.birth_date:
            values.append(person.birth_date.isoformat())
    return [v for v in values if v]


def test_the_export_page_says_how_many_households_and_what_is_left_out(login, demo):
    response = login("pendamping.girisekar").get(EXPORT, {"village": GIRISEKAR})
    assert response.status_code == 200
    active = Household.objects.filter(village_id=GIRISEKAR, status="active").count()
    assert response.context["count"] == active
    # Facilitators are not offered names and NIK.
    assert "identified" not in response.context["form"].fields


def test_a_household_export_is_de_identified_by_default_and_logged(login, demo):
    response = _post(login("pendamping.girisekar"), f"village={GIRISEKAR}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "anonim" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    rows = _rows(response)
    active = Household.objects.filter(village_id=GIRISEKAR, status="active")
    assert len(rows) == active.count()
    assert set(rows[0]) == set(exports.HOUSEHOLD_COLUMNS)
    assert all(row["household"].startswith("H-") for row in rows)
    assert {row["village_code"] for row in rows} == {GIRISEKAR}
    assert {row["poverty_status"] for row in rows} <= {
        "severe",
        "poor",
        "vulnerable",
        "not_poor",
        "unknown",
    }
    text = response.content.decode("utf-8-sig")
    for value in _identifiers(demo):
        assert value not in text
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.object_type, access.row_count) == (
        "export",
        "household",
        len(rows),
    )


def test_a_person_export_has_ages_not_birth_dates_and_joins_households(login, demo):
    client = login("pendamping.girisekar")
    households = _rows(_post(client, f"village={GIRISEKAR}"))
    persons = _rows(_post(client, f"village={GIRISEKAR}", level="persons"))
    assert set(persons[0]) == set(exports.PERSON_COLUMNS)
    assert {p["household"] for p in persons} <= {h["household"] for h in households}
    assert all(p["age"] == "" or 0 <= int(p["age"]) <= 120 for p in persons)
    assert (
        len(persons)
        == Person.objects.filter(
            household__village_id=GIRISEKAR, household__status="active"
        ).count()
    )
    text = "\n".join(",".join(p.values()) for p in persons)
    for value in _identifiers(demo):
        assert value not in text
    assert PersonalDataAccess.objects.filter(object_type="person").get().row_count == len(persons)


def test_pseudonyms_are_stable_and_not_the_database_ids(demo):
    household = Household.objects.first()
    assert exports.pseudonym("households", household.pk) == exports.pseudonym(
        "households", household.pk
    )
    assert re.fullmatch(r"H-[0-9a-f]{12}", exports.pseudonym("households", household.pk))
    assert exports.pseudonym("households", 1) != exports.pseudonym("households", 2)
    assert exports.pseudonym("households", 1)[2:] != exports.pseudonym("persons", 1)[2:]


def test_the_export_follows_the_list_filters(login, demo):
    client = login("manajer")
    poor = _rows(_post(client, f"village={GIRISEKAR}&poverty=poor"))
    everyone = _rows(_post(client, f"village={GIRISEKAR}"))
    assert 0 < len(poor) < len(everyone)
    assert {row["poverty_status"] for row in poor} <= {"poor", "severe"}


def test_a_facilitator_exports_only_their_village(login, demo):
    rows = _rows(_post(login("pendamping.girisekar"), f"village={SIDOHARJO}"))
    assert {row["village_code"] for row in rows} <= {GIRISEKAR}


def test_a_facilitator_asking_for_names_still_gets_a_de_identified_file(login, demo):
    response = _post(
        login("pendamping.girisekar"),
        f"village={GIRISEKAR}",
        identified="on",
        purpose="Ingin daftar nama",
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    for value in _identifiers(demo)[:30]:
        assert value not in text
    assert PersonalDataAccess.objects.get().action == "export"


def test_an_identified_export_needs_a_purpose(login, demo):
    response = _post(login("manajer"), f"village={GIRISEKAR}", identified="on", purpose="")
    assert response.status_code == 422
    assert 'data-testid="error-purpose"' in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_an_identified_export_for_a_manager_has_names_and_numbers_and_is_logged(login, demo):
    response = _post(
        login("manajer"),
        f"village={GIRISEKAR}",
        level="persons",
        identified="on",
        purpose="Daftar calon penerima PKH untuk musyawarah desa",
    )
    assert response.status_code == 200
    assert "identitas" in response["Content-Disposition"]
    rows = _rows(response)
    assert set(rows[0]) == set(exports.PERSON_COLUMNS) | set(exports.PERSON_IDENTIFIED)
    by_nik = {row["nik"]: row for row in rows}
    person = Person.objects.filter(household__village_id=GIRISEKAR).exclude(nik_hash="").first()
    assert by_nik[person.nik]["name"] == person.name
    assert by_nik[person.nik]["birth_date"] == person.birth_date.isoformat()
    access = PersonalDataAccess.objects.get()
    assert access.action == "export_identified"
    assert access.row_count == len(rows)
    assert access.purpose == "Daftar calon penerima PKH untuk musyawarah desa"


def test_an_xlsx_export(login, demo):
    response = _post(login("manajer"), f"village={GIRISEKAR}", file_format="xlsx")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(exports.HOUSEHOLD_COLUMNS)
    assert len(rows) - 1 == Household.objects.filter(village_id=GIRISEKAR, status="active").count()
    assert PersonalDataAccess.objects.get().row_count == len(rows) - 1


def test_a_viewer_cannot_export(login, demo):
    client = login("pemantau")
    assert "<form" not in client.get(EXPORT).content.decode().split("</header>", 1)[1]
    assert _post(client).status_code == 403
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize("level", ["households", "persons"])
def test_the_service_refuses_an_identified_export_to_a_facilitator(demo, level):
    from berdaya.core.errors import PermissionDenied
    from berdaya.registry.selectors import households_visible_to

    user = demo.users["pendamping.girisekar"]
    with pytest.raises(PermissionDenied):
        exports.registry_export(
            user=user,
            households=households_visible_to(user),
            level=level,
            identified=True,
            purpose="Daftar nama",
        )
    assert not PersonalDataAccess.objects.exists()


def test_rt_is_left_out_of_de_identified_files_and_kept_in_identified_ones(login, demo):
    assert "rt" not in exports.HOUSEHOLD_COLUMNS and "rt" not in exports.PERSON_COLUMNS
    household = Household.objects.filter(village_id=GIRISEKAR, status="active").exclude(rt="")
    rts = set(household.values_list("rt", flat=True))
    assert rts
    identified = _rows(
        _post(
            login("manajer"),
            f"village={GIRISEKAR}",
            identified="on",
            purpose="Verifikasi data untuk musyawarah desa",
        )
    )
    assert {row["rt"] for row in identified} >= rts


def test_field_text_that_looks_like_a_formula_stays_text(login, demo):
    trap = '=HYPERLINK("http://contoh.invalid","klik")'
    household = Household.objects.filter(village_id=GIRISEKAR, status="active").first()
    Household.objects.filter(pk=household.pk).update(dusun=trap, rw="+62")
    client = login("manajer")

    sheet = load_workbook(
        io.BytesIO(_post(client, f"village={GIRISEKAR}", file_format="xlsx").content)
    ).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value in (trap, "+62")]
    assert len(cells) == 2
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)

    rows = _rows(_post(client, f"village={GIRISEKAR}"))
    assert "'" + trap in {row["dusun"] for row in rows}
    assert "'+62" in {row["rw"] for row in rows}


def test_answers_to_the_programmes_own_questions_are_exported_free_text_only_with_names(
    login, demo
):
    from berdaya.registry.services import custom_question_add, household_survey_record

    two = [{"code": "sawah", "label_id": "Sawah"}, {"code": "tegal", "label_id": "Tegalan"}]
    custom_question_add(
        programme=demo.programme,
        name="lahan",
        kind="select_multiple",
        label_id="Lahan?",
        choices=two,
    )
    custom_question_add(programme=demo.programme, name="cerita", kind="text", label_id="Cerita?")
    household = Household.objects.filter(village_id=GIRISEKAR, status="active").order_by("pk")[0]
    household_survey_record(
        household=household,
        survey={},
        surveyed_on=household.latest_survey.surveyed_on,
        programme_answers={"lahan": ["tegal", "sawah"], "cerita": "Bu Sari pindah ke kota"},
    )

    anonymous = _rows(_post(login("manajer"), f"village={GIRISEKAR}"))
    identified = _rows(
        _post(login("manajer"), f"village={GIRISEKAR}", identified="on", purpose="Verifikasi")
    )

    assert list(anonymous[0])[len(exports.HOUSEHOLD_COLUMNS) :] == ["programme_lahan"]
    by_kk = {row["kk"]: row for row in identified}
    assert by_kk[household.kk]["programme_lahan"] == "sawah tegal"
    assert by_kk[household.kk]["programme_cerita"] == "Bu Sari pindah ke kota"
    assert list(identified[0])[len(exports.HOUSEHOLD_COLUMNS) :][:2] == [
        "programme_lahan",
        "programme_cerita",
    ]
    assert sorted(row["programme_lahan"] for row in anonymous).count("sawah tegal") == 1
