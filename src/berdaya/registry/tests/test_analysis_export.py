"""Analysis exports: the household table and its figures, for analysts who rerun them.

The worked example is the demo itself: each village's stored figures
(`VillageRegistryFigures`, what the village profile shows) must come back, to the last
digit, from the exported table — in the export's own results file and by running the
command docs/analysis.md shows ("Rerunning the figures of an export") on the file.
"""

from __future__ import annotations

import io
import re
import shlex
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from berdaya.analysis.cli import main as analyze
from berdaya.core.errors import PermissionDenied
from berdaya.core.models import PersonalDataAccess
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry import exports, figures, indicators
from berdaya.registry.models import Household, Person, VillageRegistryFigures

DOCS = Path(__file__).resolve().parents[4] / "docs" / "analysis.md"
HEADING = "## Rerunning the figures of an export"


def village_url(code: str) -> str:
    return f"/registri/desa/{code}/ekspor-analisis/"


def programme_url(pk: int) -> str:
    return f"/registri/program/{pk}/ekspor-analisis/"


def _tables(response, file_format: str) -> dict[str, pd.DataFrame]:
    """The export's tables, read back the way an analyst reads them."""
    content = io.BytesIO(response.content)
    if file_format == "xlsx":
        return {
            name: pd.read_excel(content, sheet_name=name, engine="openpyxl")
            for name in ("households", "results")
        }
    with zipfile.ZipFile(content) as archive:
        assert sorted(archive.namelist()) == sorted(
            [f"households.{file_format}", f"results.{file_format}", "README.txt"]
        )
        read = pd.read_parquet if file_format == "parquet" else pd.read_csv
        return {
            name: read(io.BytesIO(archive.read(f"{name}.{file_format}")))
            for name in ("households", "results")
        }


def _unpack(response, folder: Path, file_format: str) -> None:
    if file_format == "xlsx":
        (folder / "analysis.xlsx").write_bytes(response.content)
    else:
        zipfile.ZipFile(io.BytesIO(response.content)).extractall(folder)


def _stored(demo, code: str) -> dict:
    row = figures.village_row(organisation_id=demo.organisation.pk, village_code=code)
    assert row is not None and not row.stale
    return row.figures


def _personal_values(code: str) -> list[str]:
    """Every name, NIK, KK, exact birth date, address and GPS point of a demo village."""
    values = []
    for person in Person.objects.filter(household__village_id=code).select_related("household"):
        household = person.household
        values += [person.name, person.nik, household.kk, household.address]
        if person.birth_date:
            values.append(person.birth_date.isoformat())
        for point in (household.latitude, household.longitude):
            if point is not None:
                values.append(f"{point:.5f}")
    return sorted({v for v in values if v and len(v) >= 4})


def _result(results: pd.DataFrame, code: str | None, figure: str, indicator=None):
    rows = results[
        (results["village_code"].isna() if code is None else results["village_code"] == code)
        & (results["figure"] == figure)
        & (results["indicator"].isna() if indicator is None else results["indicator"] == indicator)
    ]
    assert len(rows) == 1, (code, figure, indicator)
    value = rows["value"].iloc[0]
    return None if pd.isna(value) else float(value)


def _check_results(results: pd.DataFrame, stored: dict, code: str | None, *, excel=False):
    """Equal to the last bit; an Excel sheet keeps a number to 15 significant digits."""
    mpi = stored["mpi"]

    def same(value, expected):
        return value == (pytest.approx(expected, rel=1e-15) if excel else expected)

    assert same(_result(results, code, "H"), mpi["headcount"])
    assert same(_result(results, code, "A"), mpi["intensity"])
    assert same(_result(results, code, "M0"), mpi["mpi"])
    assert _result(results, code, "households") == mpi["households"]
    assert _result(results, code, "households_unknown") == mpi["unknown"]
    for status, count in mpi["by_status"].items():
        assert _result(results, code, f"households_{status}") == count
    for indicator, share in mpi["contributions"].items():
        assert same(_result(results, code, "contribution", indicator), share)
    for scheme, counts in stored["coverage"].items():
        for key, value in counts.items():
            assert _result(results, code, f"coverage_{key}", scheme) == value


# -- the page ----------------------------------------------------------------------------------


def test_the_page_offers_formats_and_says_what_is_left_out(login, demo):
    response = login("pendamping.girisekar").get(village_url(GIRISEKAR))
    assert response.status_code == 200
    active = Household.objects.filter(
        village_id=GIRISEKAR, organisation=demo.organisation, status="active"
    ).count()
    assert response.context["count"] == active
    form = response.context["form"]
    assert [value for value, _label in form.fields["file_format"].choices] == [
        "parquet",
        "csv",
        "xlsx",
    ]
    assert "identified" not in form.fields  # facilitators are not offered names and KK
    assert "berdaya analyze mpi households.parquet" in response.content.decode()
    manager = login("manajer").get(village_url(GIRISEKAR))
    assert "identified" in manager.context["form"].fields


def test_a_viewer_sees_why_and_cannot_download(login, demo):
    client = login("pemantau")
    page = client.get(village_url(GIRISEKAR))
    assert page.status_code == 200 and page.context["count"] == 0
    assert 'name="file_format"' not in page.content.decode()
    assert "hanya angka ringkasan" in page.content.decode()
    for url in (village_url(GIRISEKAR), programme_url(demo.programme.pk)):
        response = client.post(url, {"file_format": "csv", "identified": "on", "purpose": "xxxxx"})
        assert response.status_code == 403
        assert "hanya angka ringkasan" in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


# -- de-identified by default ------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "parquet", "xlsx"])
def test_the_export_is_the_household_table_de_identified_and_logged(login, demo, file_format):
    client = login("pendamping.girisekar")
    response = client.post(village_url(GIRISEKAR), {"file_format": file_format})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "anonim" in response["Content-Disposition"]
    tables = _tables(response, file_format)
    households = tables["households"]
    active = Household.objects.filter(
        village_id=GIRISEKAR, organisation=demo.organisation, status="active"
    )
    table = indicators.household_table(active)
    # Exactly the columns household_table gives, in its order: whatever it holds.
    assert list(households.columns) == list(table.columns)
    assert len(households) == active.count()
    keys = active.values_list("pk", flat=True)
    assert set(households["household_id"]) == {exports.pseudonym("households", k) for k in keys}
    assert set(households["village_code"]) == {GIRISEKAR}
    assert not exports.DIRECT_IDENTIFIERS & set(households.columns)
    text = households.to_csv(index=False) + tables["results"].to_csv(index=False)
    for value in _personal_values(GIRISEKAR):
        assert value not in text
    if file_format == "csv":  # the bytes themselves, not only what pandas read
        raw = zipfile.ZipFile(io.BytesIO(response.content)).read("households.csv").decode()
        for value in _personal_values(GIRISEKAR):
            assert value not in raw
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.object_type, access.field, access.object_id) == (
        "export",
        "household",
        "analysis",
        GIRISEKAR,
    )
    assert (access.row_count, access.user.username) == (len(households), "pendamping.girisekar")


def test_a_facilitator_cannot_export_names(login, demo):
    user = demo.users["pendamping.girisekar"]
    households = exports.village_analysis_households(
        user, village_code=GIRISEKAR, organisation_id=demo.organisation.pk
    )
    with pytest.raises(PermissionDenied):
        exports.analysis_export(
            user=user, households=households, scope=GIRISEKAR, identified=True, purpose="audit"
        )
    # On the page the choice is not there: a posted "identified" gives the de-identified file.
    response = login("pendamping.girisekar").post(
        village_url(GIRISEKAR), {"file_format": "csv", "identified": "on", "purpose": "audit"}
    )
    assert response.status_code == 200 and "anonim" in response["Content-Disposition"]
    assert PersonalDataAccess.objects.get().action == "export"


def test_a_manager_exports_names_for_a_purpose_and_it_is_logged(login, demo):
    client = login("manajer")
    refused = client.post(village_url(GIRISEKAR), {"file_format": "csv", "identified": "on"})
    assert refused.status_code == 422
    assert "Sebutkan mengapa Anda memerlukan nama serta NIK/KK." in refused.content.decode()
    assert not PersonalDataAccess.objects.exists()
    response = client.post(
        village_url(GIRISEKAR),
        {"file_format": "parquet", "identified": "on", "purpose": "Verifikasi data PKH"},
    )
    assert response.status_code == 200 and "identitas" in response["Content-Disposition"]
    households = _tables(response, "parquet")["households"]
    assert list(households.columns[-len(exports.ANALYSIS_IDENTIFIED) :]) == list(
        exports.ANALYSIS_IDENTIFIED
    )
    head = Person.objects.filter(
        household__village_id=GIRISEKAR, relation="head", status="present"
    ).first()
    row = households[households["household_id"] == head.household_id].iloc[0]
    assert row["head_name"] == head.name and row["kk"] == head.household.kk
    assert row["household"] == exports.pseudonym("households", head.household_id)
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.field, access.purpose) == (
        "export_identified",
        "analysis",
        "Verifikasi data PKH",
    )


# -- the figures come back from the export -----------------------------------------------------


def _documented_commands() -> list[list[str]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(HEADING) :]
    (console,) = re.findall(r"^```console\n(.*?)^```$", section, flags=re.M | re.S)
    commands = [shlex.split(line[2:]) for line in console.splitlines() if line.startswith("$ ")]
    assert commands[0][0] == "unzip"
    assert commands[1][:3] == ["berdaya", "analyze", "mpi"]
    return commands[1:]


def _documented_python() -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(HEADING) :]
    (python,) = re.findall(r"^```python\n(.*?)^```$", section, flags=re.M | re.S)
    return python


def _rerun(response, folder: Path, file_format: str, capsys) -> pd.DataFrame:
    """The documented command, on this export, in `folder`; its per-village table."""
    _unpack(response, folder, file_format)
    source = "analysis.xlsx" if file_format == "xlsx" else f"households.{file_format}"
    (documented,) = _documented_commands()
    # The page shows the same command, with the file of the format chosen.
    assert shlex.join(documented) == exports.rerun_command("parquet")
    argv = [source if arg == "households.parquet" else arg for arg in documented]
    assert shlex.join(argv) == exports.rerun_command(file_format)
    argv = [str(folder / a) if a.endswith((".parquet", ".csv", ".xlsx")) else a for a in argv]
    assert analyze(argv[2:]) == 0, capsys.readouterr().err
    return pd.read_csv(folder / "mpi.csv", dtype={"village_code": str}).set_index("village_code")


def _check_rerun(groups: pd.DataFrame, stored: dict, code: str) -> None:
    row = groups.loc[code]
    mpi = stored["mpi"]
    assert float(row["H"]) == mpi["headcount"]
    assert float(row["A"]) == mpi["intensity"]
    assert float(row["M0"]) == mpi["mpi"]
    for indicator, share in mpi["contributions"].items():
        assert float(row[f"contribution_{indicator}"]) == pytest.approx(share, abs=1e-12)


@pytest.mark.parametrize("code", [GIRISEKAR, SIDOHARJO])
@pytest.mark.parametrize("file_format", ["parquet", "csv", "xlsx"])
def test_the_documented_command_on_a_village_export_gives_the_village_profile(
    login, demo, code, file_format, tmp_path, capsys, monkeypatch
):
    client = login("manajer")
    response = client.post(village_url(code), {"file_format": file_format})
    assert response.status_code == 200
    stored = _stored(demo, code)
    # What the village profile shows is the stored row.
    profile = client.get(f"/wilayah/desa/{code}/").context["figures"].mpi
    assert (profile.headcount, profile.intensity, profile.mpi) == (
        stored["mpi"]["headcount"],
        stored["mpi"]["intensity"],
        stored["mpi"]["mpi"],
    )
    assert stored["mpi"]["headcount"] is not None  # the demo has poverty to measure
    results = _tables(response, file_format)["results"]
    _check_results(results, stored, code, excel=file_format == "xlsx")
    groups = _rerun(response, tmp_path, file_format, capsys)
    assert list(groups.index) == [code]
    _check_rerun(groups, stored, code)
    # The censored headcounts of the results file are the command's too.
    for indicator in stored["mpi"]["contributions"]:
        assert _result(results, code, "censored_headcount", indicator) == pytest.approx(
            float(groups.loc[code, f"censored_{indicator}"]),
            rel=1e-15 if file_format == "xlsx" else 0,
        )
    if file_format == "parquet":
        # And the documented coverage, from the units the command wrote.
        monkeypatch.chdir(tmp_path)
        namespace: dict = {}
        exec(compile(_documented_python(), str(DOCS), "exec"), namespace)  # noqa: S102
        table = namespace["table"].set_index("scheme")
        for scheme, counts in stored["coverage"].items():
            if scheme in table.index and counts["poor_not_enrolled"] is not None:
                assert table.loc[scheme, "eligible_not_enrolled"] == counts["poor_not_enrolled"]
                assert table.loc[scheme, "enrolled_not_eligible"] == counts["enrolled_not_poor"]
        assert len(table) >= 1


def test_a_programme_export_gives_each_village_and_the_whole(login, demo, tmp_path, capsys):
    response = login("manajer").post(programme_url(demo.programme.pk), {"file_format": "parquet"})
    assert response.status_code == 200
    tables = _tables(response, "parquet")
    assert set(tables["households"]["village_code"]) == {GIRISEKAR, SIDOHARJO}
    groups = _rerun(response, tmp_path, "parquet", capsys)
    for code in (GIRISEKAR, SIDOHARJO):
        stored = _stored(demo, code)
        _check_results(tables["results"], stored, code)
        _check_rerun(groups, stored, code)
    # The programme as a whole: the command's own total line.
    printed = capsys.readouterr().out
    total = re.search(r"M0 = ([\d.]+), H = ([\d.]+), A = ([\d.]+)", printed)
    assert total is not None
    m0, h, a = (float(x) for x in total.groups())
    assert _result(tables["results"], None, "A") == pytest.approx(a, abs=5e-5)
    assert _result(tables["results"], None, "M0") == pytest.approx(m0, abs=5e-5)
    assert _result(tables["results"], None, "H") == pytest.approx(h, abs=5e-5)
    households = sum(_stored(demo, c)["mpi"]["households"] for c in (GIRISEKAR, SIDOHARJO))
    assert _result(tables["results"], None, "households") == households
    access = PersonalDataAccess.objects.get()
    assert access.object_id == f"program-{demo.programme.pk}"
    assert access.row_count == len(tables["households"])


def test_a_facilitators_programme_export_holds_only_their_village(login, demo):
    response = login("pendamping.girisekar").post(
        programme_url(demo.programme.pk), {"file_format": "csv"}
    )
    assert response.status_code == 200
    tables = _tables(response, "csv")
    assert set(tables["households"]["village_code"]) == {GIRISEKAR}
    assert set(tables["results"]["village_code"].dropna()) == {GIRISEKAR}


# -- malformed requests ------------------------------------------------------------------------


def test_an_unknown_format_is_refused_in_indonesian(login, demo):
    response = login("pendamping.girisekar").post(village_url(GIRISEKAR), {"file_format": "sav"})
    assert response.status_code == 422
    assert "Pilih CSV, Excel (XLSX) atau Parquet." in response.content.decode()
    assert not PersonalDataAccess.objects.exists()
    user = demo.users["pendamping.girisekar"]
    from berdaya.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        exports.analysis_export(
            user=user, households=Household.objects.none(), scope="x", file_format="sav"
        )


@pytest.mark.parametrize(
    ("code", "said"),
    [
        ("99.99.99.9999", "Tidak ada desa dengan kode 99.99.99.9999."),
        ("34.03.06", "Tidak ada desa dengan kode 34.03.06."),
        ("bukan-kode", "bukan kode wilayah. Kode desa terdiri atas 10 digit"),
    ],
)
def test_an_unknown_village_answers_404_in_indonesian(login, demo, code, said):
    response = login("manajer").post(village_url(code), {"file_format": "csv"})
    assert response.status_code == 404
    assert said in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_an_unknown_programme_answers_404(login, demo):
    response = login("manajer").get(programme_url(999_999))
    assert response.status_code == 404
    assert "tidak ada" in response.content.decode()


def test_the_results_match_the_stored_row_after_a_rebuild(demo):
    """The results file and the stored figures are one computation: after rebuilding the
    figures from scratch the export still equals them."""
    figures.figures_rebuild(villages_only=True)
    user = demo.users["manajer"]
    for code in (GIRISEKAR, SIDOHARJO):
        households = exports.village_analysis_households(
            user, village_code=code, organisation_id=demo.organisation.pk
        )
        results = exports.analysis_tables(households).results
        row = VillageRegistryFigures.objects.get(organisation=demo.organisation, village_id=code)
        _check_results(results, row.figures, code)


def _documented_postgres() -> str:
    """The docs' PostgreSQL lines (up to the Spark ones), without their connect line."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index(HEADING) :]
    (block,) = re.findall(r"^```py\n(.*?)^```$", section, flags=re.M | re.S)
    postgres = block.split("\nspark = ")[0]
    assert "con = ibis.postgres.connect(" in postgres
    return "\n".join(line for line in postgres.splitlines() if not line.startswith("con = "))


@pytest.mark.postgres
def test_the_documented_postgresql_lines_give_the_village_profile(
    login, demo, tmp_path, monkeypatch
):
    import ibis
    from django.db import connection

    response = login("manajer").post(programme_url(demo.programme.pk), {"file_format": "parquet"})
    _unpack(response, tmp_path, "parquet")
    monkeypatch.chdir(tmp_path)
    settings = connection.settings_dict
    con = ibis.postgres.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 5432),
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        database=settings["NAME"],
    )
    namespace: dict = {"con": con}
    try:
        exec(compile(_documented_postgres(), str(DOCS), "exec"), namespace)  # noqa: S102
    finally:
        con.drop_table("households", force=True)
        con.disconnect()
    groups = namespace["groups"].astype({"village_code": str}).set_index("village_code")
    for code in (GIRISEKAR, SIDOHARJO):
        _check_rerun(groups, _stored(demo, code), code)


def test_an_export_of_no_households_is_empty_not_an_error(demo):
    tables = exports.analysis_tables(Household.objects.none())
    assert tables.households.empty and tables.results.empty
    content, content_type = exports.analysis_files(tables, file_format="parquet", readme="")
    assert content_type == "application/zip" and content


def test_the_export_page_links_to_each_villages_analysis_export(login, demo):
    page = login("pendamping.girisekar").get("/registri/rumah-tangga/ekspor/").content.decode()
    assert village_url(GIRISEKAR) in page
    assert village_url(SIDOHARJO) not in page  # not the facilitator's village
    assert (
        "/ekspor-analisis/"
        not in login("pemantau").get("/registri/rumah-tangga/ekspor/").content.decode()
    )
