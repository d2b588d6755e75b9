"""The form's relevance and constraints evaluated by JavaRosa, the engine of ODK Collect
(in ODK Validate's jar, bundled with pyxform): households are filled in and the test reads
which questions were asked and which answers were refused (javarosa/FormWalk.java).

ODK Validate only checks that expressions parse; this walk found that JavaRosa has no
XPath 1.0 `substring()` (the form uses ODK's `substr()`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pyxform.validators import odk_validate
from pyxform.xls2xform import convert

from berdaya.registry.xlsform import form_build, xlsform_build

WALKER = Path(__file__).parent / "javarosa" / "FormWalk.java"
JAR = Path(odk_validate.__file__).parent / "bin" / "ODK_Validate.jar"
SURVEYED = "2025-06-01"


def _household(members: list[dict], **answers) -> list[str]:
    lines = [f"h\t{name}\t{value}" for name, value in answers.items()]
    for member in members:
        lines.append("member")
        lines += [f"m\t{name}\t{value}" for name, value in member.items()]
    return [*lines, "end"]


def _base(members: list[dict], **answers) -> list[str]:
    defaults = {
        "setuju": "yes",
        "kode_desa": "34.03.06.2002",
        "tanggal_survei": SURVEYED,
        "jumlah_anggota": str(len(members)),
    }
    return _household(members, **{**defaults, **answers})


def _person(name, sex, relation, birth, nik="", **answers) -> dict:
    return {
        "nama": name,
        "nik": nik,
        "jenis_kelamin": sex,
        "hubungan": relation,
        "tanggal_lahir": birth,
        **answers,
    }


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker, tmp_path_factory):
    assert shutil.which("java") and JAR.exists()
    with django_db_blocker.unblock():
        content = xlsform_build(form_build())
    folder = tmp_path_factory.mktemp("javarosa")
    form = folder / "form.xml"
    form.write_text(convert(content).xform)

    def run(*households: list[str]) -> list[dict[str, set]]:
        scenarios = folder / "scenarios.txt"
        scenarios.write_text("\n".join(line for h in households for line in h) + "\n")
        done = subprocess.run(  # noqa: S603 (our own walker, our own files)
            ["java", "-cp", str(JAR), str(WALKER), str(form), str(scenarios)],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        results, current = [], {"shown": set(), "refused": set(), "required": set()}
        for line in done.stdout.splitlines():
            if line == "end":
                results.append(current)
                current = {"shown": set(), "refused": set(), "required": set()}
                continue
            kind, member, name = line.split("\t")
            current[kind].add((int(member), name))
        return results

    return run


def _asked(result, name) -> set[int]:
    return {member for member, asked in result["shown"] if asked == name}


def test_a_good_household_is_accepted_and_asked_what_fits_each_member(walk):
    (good,) = walk(
        _base(
            [
                _person("Sumini", "P", "head", "1980-03-12", "3403065203800001"),
                _person("Paijo", "L", "spouse", "1975-01-05", "3403060501750003"),
                _person("Adi", "L", "child", "2022-02-01"),
                _person("Sari", "P", "child", "2015-08-17", "3403065708150002"),
            ],
            no_kk="3403061203800001",
            menit_air="15",
            sapi="2",
        )
    )
    assert good["refused"] == set()
    assert good["required"] == set()
    assert _asked(good, "nama") == {0, 1, 2, 3}  # the repeat ran jumlah_anggota times
    assert _asked(good, "hamil") == {0}  # women 10–55: not the man, not the girl of 9
    assert _asked(good, "sekolah") == {3}  # 5–24: the girl of 9, not the toddler of 3
    assert _asked(good, "status_kawin") == _asked(good, "pekerjaan") == {0, 1}  # from 10
    assert _asked(good, "gizi_kurang") == {0, 1, 2, 3}  # up to 70
    assert _asked(good, "nasihat_lain") == {0, 1}  # the network questions from 15
    for note in ("cek_nik_kelamin", "cek_nik_lahir", "cek_kk", "cek_kepala"):
        assert not _asked(good, note), note


def test_the_age_bands_count_full_years_on_the_survey_date(walk):
    day_before, birthday = walk(
        _base([_person("Tumirah", "P", "head", "1969-06-02")]),  # 55 on 1 June 2025
        _base([_person("Tumirah", "P", "head", "1969-06-01")]),  # 56 that day
    )
    assert _asked(day_before, "hamil") == {0}
    assert _asked(birthday, "hamil") == set()
    (old,) = walk(_base([_person("Mbah Karto", "L", "head", "1950-01-01")]))
    assert _asked(old, "gizi_kurang") == set()
    (unknown,) = walk(_base([{"nama": "Painem", "jenis_kelamin": "P", "hubungan": "head"}]))
    assert _asked(unknown, "hamil") == {0}  # no birth date: asked


def test_structure_errors_are_refused_and_mismatches_only_noted(walk):
    results = walk(
        _base([_person("A", "L", "head", "1980-02-28", "3403063002800001")]),  # 30 February
        _base([_person("A", "L", "head", "1980-03-12", "3403061203800000")]),  # serial 0000
        _base([_person("A", "L", "head", "1980-03-12", "340306120380001")]),  # 15 digits
        _base([_person("A", "L", "head", "1980-03-12", "3403065203800001")]),  # encodes a woman
        _base([_person("A", "L", "head", "1980-03-13", "3403061203800001")]),  # another day
        _base([_person("A", "L", "head", "1980-03-12")], no_kk="3403071203800001"),
        _base([_person("A", "L", "head", "1980-03-12")], no_kk="34030612038"),
    )
    feb30, serial, short, sex, birth, kk_elsewhere, kk_short = results
    for refused in (feb30, serial, short):
        assert refused["refused"] == {(0, "nik")}
    assert _asked(sex, "cek_nik_kelamin") == {0} and sex["refused"] == set()
    assert _asked(birth, "cek_nik_lahir") == {0} and birth["refused"] == set()
    assert not _asked(sex, "cek_nik_lahir")
    assert _asked(kk_elsewhere, "cek_kk") == {-1} and kk_elsewhere["refused"] == set()
    assert kk_short["refused"] == {(-1, "no_kk")}


def test_a_household_without_exactly_one_head_cannot_be_finished(walk):
    two, none = walk(
        _base([_person("A", "L", "head", "1980-03-12"), _person("B", "P", "head", "1982-01-01")]),
        _base([_person("A", "L", "spouse", "1980-03-12")]),
    )
    for result in (two, none):
        assert _asked(result, "cek_kepala") == {-1}
        assert (-1, "cek_kepala") in result["required"]
    (fixed,) = walk(
        _base([_person("A", "L", "head", "1980-03-12"), _person("B", "P", "spouse", "1982-01-01")])
    )
    assert not _asked(fixed, "cek_kepala")


def test_counts_and_names_out_of_range_are_refused(walk):
    head = _person("A", "L", "head", "1980-03-12")
    (bad,) = walk(
        _base(
            [{**head, "nasihat_lain": "Ani, Budi, Citra, Dodi", "pendapat_lain": "Ani; Budi"}],
            menit_air="800",
            sapi="-1",
            kematian_anak="-2",
            pengeluaran_bulanan="-5",
        )
    )
    assert bad["refused"] == {
        (0, "nasihat_lain"),
        (-1, "menit_air"),
        (-1, "sapi"),
        (-1, "kematian_anak"),
        (-1, "pengeluaran_bulanan"),
    }
    (zero,) = walk(_base([], jumlah_anggota="0"))
    assert (-1, "jumlah_anggota") in zero["refused"]
