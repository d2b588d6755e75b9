"""`berdaya load-areas`: the official area list, loaded idempotently and all-or-nothing."""

from __future__ import annotations

import csv
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from berdaya.areas.models import District, Province, Regency, Village
from berdaya.areas.services import areas_load
from berdaya.core.errors import BerdayaError

PACKAGE_DIR = Path(settings.NODE_MODULES_DIR) / "idn-area-data" / "data"
MODELS = {
    "provinces": Province,
    "regencies": Regency,
    "districts": District,
    "villages": Village,
}


def _data_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _row in csv.DictReader(handle))


def _counts() -> dict[str, int]:
    return {name: model.objects.count() for name, model in MODELS.items()}


def _summary(counts: dict[str, int]) -> str:
    return _(
        "%(province)d provinces, %(regency)d regencies, %(district)d districts, "
        "%(village)d villages."
    ) % {
        "province": counts["provinces"],
        "regency": counts["regencies"],
        "district": counts["districts"],
        "village": counts["villages"],
    }


def _write(folder: Path, filename: str, header: list[str], rows: list[list[str]]) -> None:
    with (folder / filename).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _small_source(folder: Path, *, province_name: str = "PROVINSI UJI") -> Path:
    """A complete, valid source with one area per level, under an unused province code."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder, "provinces.csv", ["code", "name"], [["99", province_name]])
    _write(folder, "regencies.csv", ["code", "province_code", "name"], [["99.01", "99", "KAB UJI"]])
    _write(
        folder, "districts.csv", ["code", "regency_code", "name"], [["99.01.01", "99.01", "Uji"]]
    )
    _write(
        folder,
        "villages.csv",
        ["code", "district_code", "name"],
        [["99.01.01.2001", "99.01.01", "Desa Uji"]],
    )
    return folder


def test_the_whole_package_loads_exactly_its_rows_and_a_second_run_changes_nothing(db):
    expected = {name: _data_rows(PACKAGE_DIR / f"{name}.csv") for name in MODELS}
    assert expected["villages"] > 80_000  # the real package, not an empty stand-in

    first = StringIO()
    call_command("load_areas", stdout=first)
    assert _counts() == expected

    second = StringIO()
    call_command("load_areas", stdout=second)
    assert _counts() == expected
    output = second.getvalue().strip()
    assert output == _("Areas were already up to date (nothing changed): %s") % _summary(expected)


def test_a_village_pointing_to_an_unknown_district_is_refused_and_nothing_changes(db, tmp_path):
    source = _small_source(tmp_path / "good")
    areas_load(source_dir=source)
    before = _counts()

    bad = _small_source(tmp_path / "bad", province_name="PROVINSI UJI BARU")
    _write(
        bad,
        "villages.csv",
        ["code", "district_code", "name"],
        [
            ["99.01.01.2001", "99.01.01", "Desa Uji"],
            ["99.01.77.2001", "99.01.77", "Desa Tanpa Kecamatan"],
        ],
    )
    with pytest.raises(BerdayaError) as caught:
        areas_load(source_dir=bad)

    message = caught.value.message
    assert "villages.csv" in message
    assert "99.01.77" in message
    assert re.search(r"\b3\b", message)  # the line of the bad row (header is line 1)
    assert _counts() == before
    # The province renamed in the same (failed) load was rolled back too.
    assert Province.objects.get(code="99").name == "PROVINSI UJI"
    assert not Village.objects.filter(code="99.01.77.2001").exists()


def test_a_regency_pointing_to_an_unknown_province_is_refused_with_a_readable_error(db, tmp_path):
    before = _counts()
    bad = _small_source(tmp_path / "bad")
    _write(bad, "regencies.csv", ["code", "province_code", "name"], [["99.01", "98", "KAB UJI"]])
    with pytest.raises(BerdayaError) as caught:
        areas_load(source_dir=bad)
    assert "regencies.csv" in caught.value.message
    assert "98" in caught.value.message
    assert _counts() == before


def test_a_village_file_without_a_name_column_is_refused_and_nothing_changes(db, tmp_path):
    areas_load(source_dir=_small_source(tmp_path / "good"))
    before = _counts()

    bad = _small_source(tmp_path / "bad", province_name="PROVINSI UJI BARU")
    _write(
        bad,
        "villages.csv",
        ["code", "district_code", "nama"],
        [["99.01.01.2002", "99.01.01", "Desa Uji Dua"]],
    )
    with pytest.raises(BerdayaError) as caught:
        areas_load(source_dir=bad)

    assert "villages.csv" in caught.value.message
    assert "name" in caught.value.message
    assert _counts() == before
    assert Province.objects.get(code="99").name == "PROVINSI UJI"


def test_the_command_reports_a_bad_file_as_a_command_error_not_a_traceback(db, tmp_path):
    bad = _small_source(tmp_path / "bad")
    _write(bad, "villages.csv", ["code", "district_code"], [["99.01.01.2002", "99.01.01"]])
    before = _counts()
    with pytest.raises(CommandError) as caught:
        call_command("load_areas", source=bad, stdout=StringIO())
    assert caught.value.returncode == 2
    assert "villages.csv" in str(caught.value)
    assert _counts() == before


def test_a_missing_source_folder_says_to_install_the_package_with_npm(db, tmp_path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(BerdayaError) as caught:
        areas_load(source_dir=missing)
    assert "npm" in caught.value.message
    assert str(missing) in caught.value.message

    with pytest.raises(CommandError) as command_error:
        call_command("load_areas", source=missing, stdout=StringIO())
    assert "npm" in str(command_error.value)


def test_a_name_changed_in_the_csv_is_updated_on_the_next_load(db, tmp_path):
    source = tmp_path / "data"
    source.mkdir()
    for name in MODELS:
        with (PACKAGE_DIR / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
            header, *rows = csv.reader(handle)
        rows = [row for row in rows if row[0].startswith("34")]
        for row in rows:
            if row[0] == "34.03.06.2002":
                row[header.index("name")] = "Girisekar Baru"
        _write(source, f"{name}.csv", header, rows)
    assert Village.objects.get(code="34.03.06.2002").name == "Girisekar"
    before = _counts()

    output = StringIO()
    call_command("load_areas", source=source, province=["34"], stdout=output)

    assert Village.objects.get(code="34.03.06.2002").name == "Girisekar Baru"
    assert Village.objects.get(code="34.03.06.2001").name == "Girikarto"
    assert _counts() == before
    assert output.getvalue().startswith(_("Areas loaded: %s") % "")

    again = StringIO()
    call_command("load_areas", source=source, province=["34"], stdout=again)
    assert again.getvalue().strip() == (
        _("Areas were already up to date (nothing changed): %s") % _summary(before)
    )
