"""Berdaya's household mapping questionnaire as an XLSForm (KoboToolbox, ODK Collect).

The questionnaire is defined once, here: `QUESTIONS` lists every question with
the Berdaya field it fills (`key`). The same list writes the `.xlsx` form
(`xlsform_build`) and tells the importers which column of an export holds which
field, so an export of Berdaya's own form is matched without anyone's help.

Choice names are exactly Berdaya's codes (`registry.choices`, `Person.Sex`,
`Person.Relation`, the social-protection scheme codes). Labels are given in
Indonesian (the default language) and English.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from berdaya.core.validators import column_range

from . import choices
from .models import CustomQuestion, HouseholdSurvey, Person, SocialProtectionScheme
from .validation import _COUNTS, ASKED_OF

FORM_ID = "berdaya_pemetaan"
# The version written in the form is this and a digest of everything else in it
# (`form_version`): it changes whenever a question, a choice or a setting does (ODK
# Central refuses a new form with the version of one it has), and stays when nothing did.
FORM_VERSION = "2026.2"
FORM_TITLE = "Pemetaan Rumah Tangga Berdaya"
ID = "Indonesian (id)"
EN = "English (en)"
DEFAULT_LANGUAGE = ID
CONSENT_GIVEN = "${setuju} = 'yes'"

HOUSEHOLD = "household"
MEMBER = "member"
MEMBERS_REPEAT = "anggota"
PROGRAMME_GROUP = "tambahan"
YES, NO = "yes", "no"

NIK_PATTERN = "^[0-9]{16}$"
PEOPLE_LIST = "orang"  # the village's people, for the network questions
HOUSEHOLD_SIZE = "jumlah_anggota"

# Digits 7–12 of a NIK: the birth date as DDMMYY, day + 40 for women, as
# `validation.nik_birth_date` reads it (29 February only in years divisible by four:
# a two-digit year is 2000–today or 1900s, where that is the leap-year rule).
_DAY_1_28 = "(0[1-9]|1[0-9]|2[0-8]|4[1-9]|5[0-9]|6[0-8])"
_NIK_DATE = (
    f"({_DAY_1_28}(0[1-9]|1[0-2])[0-9]{{2}}"
    "|(29|30|69|70)(0[13-9]|1[0-2])[0-9]{2}"
    "|(31|71)(0[13578]|1[02])[0-9]{2}"
    "|(29|69)02([02468][048]|[13579][26]))"
)
_NIK_SERIAL = "([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"  # from 0001


def nik_pattern(provinces: Iterable[str] = ()) -> str:
    """A regular expression for what `validation.check_nik` accepts as far as a pattern can
    tell: 16 digits, a known province, a birth date, a serial from 0001. (Whether the six
    digits are a district the import checks against its table of districts.)"""
    codes = sorted(set(provinces))
    province = f"({'|'.join(codes)})" if codes else "[0-9]{2}"
    return f"^{province}[0-9]{{4}}{_NIK_DATE}{_NIK_SERIAL}$"


def _asked_of(name: str) -> str:
    """The relevance of a member question, from `validation.ASKED_OF` (unknown age: asked)."""
    rule = ASKED_OF[name]
    parts = []
    if rule.sex:
        parts.append(f"${{jenis_kelamin}} = '{rule.sex}'")
    ages = []
    if rule.minimum is not None:
        ages.append(f"${{umur}} >= {rule.minimum}")
    if rule.maximum is not None:
        ages.append(f"${{umur}} <= {rule.maximum}")
    if ages:
        parts.append(f"(${{tanggal_lahir}} = '' or ({' and '.join(ages)}))")
    return " and ".join(parts)


# Full years on the survey date, exactly as `validation.age_on` counts them.
AGE_CALCULATION = (
    "if(${tanggal_lahir} = '', '', "
    "number(format-date(${tanggal_survei}, '%Y')) - number(format-date(${tanggal_lahir}, '%Y'))"
    " - if(number(format-date(${tanggal_survei}, '%m%d')) < "
    "number(format-date(${tanggal_lahir}, '%m%d')), 1, 0))"
)


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet, and the Berdaya field its answer fills."""

    name: str
    type: str  # XLSForm type: "text", "integer", "select_one lantai", ...
    label: tuple[str, str]  # (Indonesian, English)
    key: str = ""  # Berdaya field: HouseholdRecord/MemberRecord attribute or survey key
    group: str = ""
    level: str = HOUSEHOLD
    required: bool = False
    constraint: str = ""
    constraint_message: tuple[str, str] = ("", "")
    relevant: str = ""
    appearance: str = ""
    hint: tuple[str, str] = ("", "")
    calculation: str = ""
    choice_filter: str = ""

    @property
    def kind(self) -> str:
        """How an answer is read: text, integer, decimal, date, yes_no, select_one, ..."""
        base = self.type.split()[0]
        if self.type == "select_one ya_tidak":
            return "yes_no"
        if self.key in {"nik", "kk"}:
            return "identifier"
        return base

    @property
    def list_name(self) -> str:
        parts = self.type.split()
        return parts[1] if len(parts) > 1 and parts[0].startswith("select_") else ""


@dataclass(frozen=True)
class Group:
    name: str
    label: tuple[str, str]
    questions: tuple[Question, ...]
    repeat: bool = False
    relevant: str = CONSENT_GIVEN
    repeat_count: str = ""


def _q(name, type_, label_id, label_en, key="", **options) -> Question:
    return Question(name=name, type=type_, label=(label_id, label_en), key=key, **options)


_YES_NO = "select_one ya_tidak"

GROUPS: tuple[Group, ...] = (
    Group(
        "persetujuan",
        ("Persetujuan", "Consent"),
        (
            _q(
                "penjelasan",
                "note",
                "Berdaya mencatat data rumah tangga ini untuk pemetaan sosial dan perencanaan "
                "program. NIK dan nomor KK disimpan terenkripsi dan tidak dibagikan. Rumah tangga "
                "boleh menolak atau menarik persetujuan kapan saja.",
                "Berdaya records this household's data for social mapping and programme "
                "planning. NIK and KK numbers are stored encrypted and are not shared. The "
                "household may refuse, or withdraw its consent, at any time.",
            ),
            _q(
                "setuju",
                _YES_NO,
                "Apakah rumah tangga setuju datanya dicatat untuk tujuan ini?",
                "Does the household agree to its data being recorded for this purpose?",
                "consent",
                required=True,
            ),
        ),
        relevant="",
    ),
    Group(
        "lokasi",
        ("Lokasi", "Location"),
        (
            _q(
                "kode_desa",
                "text",
                "Kode desa (Kemendagri)",
                "Village code (Kemendagri)",
                "village_code",
                required=True,
                constraint=r"regex(., '^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$')",
                constraint_message=(
                    "Kode desa berbentuk 34.03.06.2002.",
                    "A village code looks like 34.03.06.2002.",
                ),
                hint=("Contoh: 34.03.06.2002", "For example 34.03.06.2002"),
            ),
            _q("dusun", "text", "Dusun", "Hamlet (dusun)", "dusun"),
            _q(
                "rw",
                "text",
                "RW",
                "RW",
                "rw",
                constraint="regex(., '^[0-9]{1,3}$')",
                constraint_message=("RW berupa angka.", "An RW is a number."),
                appearance="numbers",
            ),
            _q(
                "rt",
                "text",
                "RT",
                "RT",
                "rt",
                constraint="regex(., '^[0-9]{1,3}$')",
                constraint_message=("RT berupa angka.", "An RT is a number."),
                appearance="numbers",
            ),
            _q("alamat", "text", "Alamat", "Address", "address"),
            _q("gps", "geopoint", "Titik GPS rumah", "GPS point of the house", "gps"),
            _q(
                "tanggal_survei",
                "date",
                "Tanggal survei",
                "Survey date",
                "surveyed_on",
                required=True,
                constraint=". <= today()",
                constraint_message=(
                    "Tanggal tidak boleh di masa depan.",
                    "The date cannot be in the future.",
                ),
            ),
        ),
    ),
    Group(
        "identitas",
        ("Identitas rumah tangga", "Household identity"),
        (
            _q(
                "no_kk",
                "text",
                "Nomor Kartu Keluarga (KK)",
                "Family card (KK) number",
                "kk",
                constraint=f"regex(., '{NIK_PATTERN}')",
                constraint_message=(
                    "Nomor KK terdiri dari 16 angka.",
                    "A KK number has exactly 16 digits.",
                ),
                appearance="numbers",
            ),
            _q(
                "cek_kk",
                "note",
                "Perhatian: enam angka pertama KK bukan kode kecamatan desa ini. Periksa "
                "nomornya (atau KK lama sebelum pindah atau pemekaran).",
                "Note: the KK's first six digits are not this village's district code. Check "
                "the number (or an old KK from before a move or a district split).",
                relevant="${no_kk} != '' and substr(${no_kk}, 0, 6) != "
                "translate(substr(${kode_desa}, 0, 8), '.', '')",
            ),
            _q(
                HOUSEHOLD_SIZE,
                "integer",
                "Jumlah anggota rumah tangga",
                "Number of household members",
                required=True,
                constraint=". >= 1 and . <= 50",
                constraint_message=(
                    "Jumlah anggota antara 1 dan 50.",
                    "Between 1 and 50 members.",
                ),
            ),
        ),
    ),
    Group(
        MEMBERS_REPEAT,
        ("Anggota rumah tangga", "Household members"),
        (
            _q("nama", "text", "Nama lengkap", "Full name", "name", required=True),
            _q(
                "nik",
                "text",
                "NIK (kosongkan jika belum punya)",
                "NIK (leave empty if none yet)",
                "nik",
                constraint=f"regex(., '{nik_pattern()}')",
                constraint_message=(
                    "NIK terdiri dari 16 angka: kode wilayah, tanggal lahir (DDMMYY, tanggal + 40 "
                    "untuk perempuan) dan nomor urut mulai 0001.",
                    "A NIK has 16 digits: area code, birth date (DDMMYY, day + 40 for women) "
                    "and a serial from 0001.",
                ),
                appearance="numbers",
            ),
            _q(
                "jenis_kelamin",
                "select_one jenis_kelamin",
                "Jenis kelamin",
                "Sex",
                "sex",
                required=True,
            ),
            _q(
                "hubungan",
                "select_one hubungan",
                "Hubungan dengan kepala rumah tangga",
                "Relation to the head of household",
                "relation",
                required=True,
            ),
            _q(
                "tanggal_lahir",
                "date",
                "Tanggal lahir",
                "Birth date",
                "birth_date",
                constraint=". <= today()",
                constraint_message=(
                    "Tanggal tidak boleh di masa depan.",
                    "The date cannot be in the future.",
                ),
            ),
            _q("umur", "calculate", "", "", calculation=AGE_CALCULATION),
            _q(
                "cek_nik_kelamin",
                "note",
                "Perhatian: NIK ini mencatat jenis kelamin lain (tanggal + 40 untuk perempuan). "
                "Periksa NIK dan jenis kelamin.",
                "Note: this NIK encodes the other sex (day + 40 for women). Check the NIK and "
                "the sex.",
                relevant="${nik} != '' and ${jenis_kelamin} != '' and "
                "((number(substr(${nik}, 6, 8)) > 40) != (${jenis_kelamin} = 'P'))",
            ),
            _q(
                "cek_nik_lahir",
                "note",
                "Perhatian: tanggal lahir di NIK berbeda dengan tanggal lahir yang dicatat.",
                "Note: the birth date in the NIK differs from the recorded one.",
                relevant="${nik} != '' and ${tanggal_lahir} != '' and "
                "(number(substr(${nik}, 6, 8)) mod 40 != "
                "number(format-date(${tanggal_lahir}, '%e')) or "
                "substr(${nik}, 8, 10) != format-date(${tanggal_lahir}, '%m') or "
                "substr(${nik}, 10, 12) != format-date(${tanggal_lahir}, '%y'))",
            ),
            _q(
                "status_kawin",
                "select_one status_kawin",
                "Status perkawinan",
                "Marital status",
                "marital_status",
                relevant=_asked_of("marital_status"),
            ),
            _q(
                "pendidikan",
                "select_one pendidikan",
                "Pendidikan tertinggi",
                "Highest education",
                "education",
            ),
            _q(
                "sekolah",
                _YES_NO,
                "Masih bersekolah?",
                "Attending school?",
                "attending_school",
                relevant=_asked_of("attending_school"),
            ),
            _q(
                "pekerjaan",
                "select_one pekerjaan",
                "Pekerjaan utama",
                "Main occupation",
                "occupation",
                relevant=_asked_of("occupation"),
            ),
            _q(
                "disabilitas",
                "select_multiple disabilitas",
                "Mengalami kesulitan dalam (pilih semua yang sesuai)",
                "Has difficulty with (choose all that apply)",
                "disabilities",
            ),
            _q(
                "penyakit_kronis",
                _YES_NO,
                "Punya penyakit kronis?",
                "Has a chronic illness?",
                "chronic_illness",
            ),
            _q(
                "hamil",
                _YES_NO,
                "Sedang hamil?",
                "Pregnant?",
                "pregnant",
                relevant=_asked_of("pregnant"),
            ),
            # The wording of the nutrition question by age band (validation.NUTRITION_BANDS).
            _q(
                "gizi_cara_id",
                "calculate",
                "",
                "",
                calculation="if(${tanggal_lahir} = '', 'stunting, berat kurang atau sangat "
                "kurus', if(${umur} <= 4, 'balita: pendek atau berat kurang menurut KMS/posyandu', "
                "if(${umur} <= 19, 'sangat kurus untuk usianya', 'sangat kurus: IMT di bawah "
                "18,5')))",
            ),
            _q(
                "gizi_cara_en",
                "calculate",
                "",
                "",
                calculation="if(${tanggal_lahir} = '', 'stunted, underweight or very thin', "
                "if(${umur} <= 4, 'under five: stunted or underweight on the posyandu chart', "
                "if(${umur} <= 19, 'very thin for their age', 'very thin: BMI under 18.5')))",
            ),
            _q(
                "gizi_kurang",
                _YES_NO,
                "Kurang gizi (${gizi_cara_id})?",
                "Undernourished (${gizi_cara_en})?",
                "undernourished",
                relevant=_asked_of("undernourished"),
            ),
        ),
        repeat=True,
        repeat_count=f"${{{HOUSEHOLD_SIZE}}}",
    ),
    Group(
        "rumah",
        ("Kondisi rumah", "Housing"),
        (
            _q("lantai", "select_one lantai", "Jenis lantai terluas", "Main floor", "floor"),
            _q("dinding", "select_one dinding", "Jenis dinding terluas", "Main wall", "wall"),
            _q("atap", "select_one atap", "Jenis atap terluas", "Main roof", "roof"),
            _q(
                "air_minum",
                "select_one air_minum",
                "Sumber air minum utama",
                "Main source of drinking water",
                "water",
            ),
            _q(
                "menit_air",
                "integer",
                "Waktu mengambil air minum, pulang-pergi (menit; 0 jika di rumah)",
                "Minutes to fetch drinking water, round trip (0 if at home)",
                "water_minutes",
                # A round trip within the day (the column would hold more: a typing slip).
                constraint=". >= 0 and . <= 720",
                constraint_message=(
                    "Isi menit dari 0 sampai 720 (12 jam).",
                    "Minutes from 0 to 720 (12 hours).",
                ),
            ),
            _q(
                "sanitasi",
                "select_one sanitasi",
                "Fasilitas buang air besar",
                "Toilet",
                "sanitation",
            ),
            _q("listrik", "select_one listrik", "Sumber listrik", "Electricity", "electricity"),
            _q(
                "bahan_bakar",
                "select_one bahan_bakar",
                "Bahan bakar utama untuk memasak",
                "Main cooking fuel",
                "cooking_fuel",
            ),
            _q(
                "aset",
                "select_multiple aset",
                "Barang yang dimiliki (pilih semua yang ada)",
                "Assets owned (choose all that apply)",
                "assets",
            ),
        ),
    ),
    Group(
        "ekonomi",
        ("Ekonomi", "Livelihood"),
        (
            _q(
                "luas_lahan",
                "integer",
                "Luas lahan yang digarap (m²)",
                "Land farmed (m²)",
                "land_m2",
            ),
            _q("sapi", "integer", "Jumlah sapi atau kerbau", "Cattle or buffalo", "cattle"),
            _q("kambing", "integer", "Jumlah kambing atau domba", "Goats or sheep", "goats"),
            _q("unggas", "integer", "Jumlah unggas", "Poultry", "poultry"),
            _q(
                "pendapatan",
                "select_one pendapatan",
                "Pendapatan rumah tangga",
                "Household income",
                "income_band",
            ),
            _q(
                "pengeluaran",
                "select_one pendapatan",
                "Pengeluaran rumah tangga",
                "Household spending",
                "expenditure_band",
            ),
            _q(
                "pengeluaran_bulanan",
                "integer",
                "Perkiraan pengeluaran sebulan (Rp)",
                "Estimated spending a month (Rp)",
                "monthly_expenditure",
            ),
            _q("tabungan", _YES_NO, "Punya tabungan?", "Has savings?", "has_savings"),
            _q("utang", _YES_NO, "Punya utang?", "Has debts?", "has_debt"),
        ),
    ),
    Group(
        "kerentanan",
        ("Kerentanan", "Vulnerability"),
        (
            _q(
                "kematian_anak",
                "integer",
                "Anak yang meninggal dalam 5 tahun terakhir",
                "Children who died in the last 5 years",
                "child_deaths_5y",
            ),
            _q(
                "bencana",
                "select_multiple bencana",
                "Bencana yang dialami dalam 5 tahun terakhir",
                "Disasters experienced in the last 5 years",
                "disasters",
            ),
        ),
    ),
    Group(
        "perlindungan",
        ("Perlindungan sosial", "Social protection"),
        (
            _q(
                "program",
                "select_multiple program",
                "Bantuan yang diterima saat ini (pilih semua)",
                "Social protection received now (choose all that apply)",
                "schemes",
            ),
        ),
    ),
    Group(
        "penutup",
        ("Penutup", "Closing"),
        (_q("catatan", "text", "Catatan pendamping", "Facilitator's notes", "notes"),),
    ),
)

# After the members: a household has exactly one head. The question appears only when it
# has not, is required, and refuses every answer, so the form cannot be finished until the
# members' relations are corrected (the same on ODK Collect and Enketo).
_HEAD_MESSAGE = (
    "Rumah tangga harus punya tepat satu kepala rumah tangga: kembali ke anggota dan "
    "perbaiki hubungannya.",
    "A household has exactly one head: go back to the members and correct their relations.",
)
_HEAD_CHECK = (
    _q("jumlah_kepala", "calculate", "", "", calculation="count(${hubungan}[. = 'head'])"),
    _q(
        "cek_kepala",
        "text",
        *_HEAD_MESSAGE,
        required=True,
        relevant=f"{CONSENT_GIVEN} and ${{jumlah_kepala}} != 1",
        constraint="${jumlah_kepala} = 1",
        constraint_message=_HEAD_MESSAGE,
    ),
)

# Indonesian labels of Berdaya's codes (the English ones come from registry.choices).
_ID_LABELS: dict[str, dict[str, str]] = {
    "ya_tidak": {YES: "Ya", NO: "Tidak"},
    "jenis_kelamin": {"L": "Laki-laki", "P": "Perempuan"},
    "hubungan": {
        "head": "Kepala rumah tangga",
        "spouse": "Istri/suami",
        "child": "Anak",
        "child_in_law": "Menantu",
        "grandchild": "Cucu",
        "parent": "Orang tua/mertua",
        "other_relative": "Famili lain",
        "other": "Lainnya",
    },
    "status_kawin": {
        "single": "Belum kawin",
        "married": "Kawin",
        "divorced": "Cerai hidup",
        "widowed": "Cerai mati",
    },
    "pendidikan": {
        "none": "Tidak pernah sekolah",
        "sd_incomplete": "Tidak tamat SD",
        "sd": "SD/sederajat",
        "smp": "SMP/sederajat",
        "sma": "SMA/SMK/sederajat",
        "diploma": "Diploma (D1–D3)",
        "university": "Perguruan tinggi (D4/S1 atau lebih)",
    },
    "pekerjaan": {
        "farmer": "Petani (lahan sendiri atau sewa)",
        "farm_labourer": "Buruh tani",
        "fisher": "Nelayan",
        "livestock": "Peternak",
        "trader": "Pedagang atau warung",
        "construction": "Buruh bangunan",
        "factory": "Buruh pabrik",
        "services": "Jasa atau transportasi",
        "civil_servant": "PNS, TNI atau Polri",
        "employee": "Karyawan swasta",
        "craft": "Industri rumahan atau kerajinan",
        "migrant": "Pekerja migran",
        "housework": "Mengurus rumah tangga",
        "student": "Sekolah",
        "not_working": "Tidak bekerja",
        "other": "Lainnya",
    },
    "disabilitas": {
        "seeing": "Melihat",
        "hearing": "Mendengar",
        "walking": "Berjalan atau naik tangga",
        "cognition": "Mengingat atau berkonsentrasi",
        "self_care": "Mengurus diri sendiri",
        "communication": "Berkomunikasi",
    },
    "lantai": {
        "earth": "Tanah",
        "bamboo": "Bambu",
        "low_wood": "Kayu/papan kualitas rendah",
        "cement": "Semen atau bata merah",
        "good_wood": "Kayu/papan kualitas tinggi",
        "ceramic": "Keramik, ubin, marmer atau teraso",
        "other": "Lainnya",
    },
    "dinding": {
        "bamboo": "Bambu atau anyaman bambu",
        "wood": "Kayu atau papan",
        "unplastered": "Tembok tanpa plester (bata/batako)",
        "masonry": "Tembok diplester",
        "other": "Lainnya",
    },
    "atap": {
        "thatch": "Jerami, ijuk atau daun",
        "zinc": "Seng atau logam",
        "asbestos": "Asbes",
        "tile": "Genteng tanah liat atau beton",
        "concrete": "Beton",
        "wood": "Sirap kayu",
        "other": "Lainnya",
    },
    "air_minum": {
        "piped": "Air leding (PDAM)",
        "bottled": "Air kemasan atau isi ulang",
        "protected_well": "Sumur terlindung atau sumur bor",
        "unprotected_well": "Sumur tak terlindung",
        "protected_spring": "Mata air terlindung",
        "unprotected_spring": "Mata air tak terlindung",
        "rain": "Air hujan",
        "surface": "Sungai, danau atau kolam",
        "vendor": "Truk tangki atau penjual air",
    },
    "sanitasi": {
        "private": "Jamban sendiri dengan septic tank",
        "shared": "Jamban bersama rumah tangga lain",
        "public": "Jamban umum",
        "pit": "Lubang tanpa penutup",
        "none": "Tidak ada (buang air sembarangan)",
    },
    "listrik": {
        "pln_metered": "PLN, meteran sendiri",
        "pln_shared": "PLN, menyambung dari tetangga",
        "solar": "Panel surya",
        "generator": "Genset",
        "none": "Tidak ada listrik",
    },
    "bahan_bakar": {
        "electricity": "Listrik",
        "lpg": "Gas LPG",
        "biogas": "Biogas",
        "kerosene": "Minyak tanah",
        "charcoal": "Arang",
        "wood": "Kayu bakar",
        "none": "Tidak memasak",
    },
    "aset": {
        "radio": "Radio",
        "tv": "Televisi",
        "phone": "Telepon genggam",
        "computer": "Komputer atau laptop",
        "bicycle": "Sepeda",
        "motorcycle": "Sepeda motor",
        "fridge": "Kulkas",
        "car": "Mobil",
        "boat": "Perahu",
        "cart": "Gerobak hewan",
    },
    "pendapatan": {
        "lt_1m": "Kurang dari Rp1 juta sebulan",
        "1m_2m": "Rp1–2 juta sebulan",
        "2m_3m": "Rp2–3 juta sebulan",
        "3m_5m": "Rp3–5 juta sebulan",
        "gt_5m": "Lebih dari Rp5 juta sebulan",
    },
    "bencana": {
        "flood": "Banjir",
        "drought": "Kekeringan",
        "landslide": "Tanah longsor",
        "earthquake": "Gempa bumi",
        "tsunami": "Tsunami atau banjir rob",
        "volcano": "Letusan gunung api",
        "fire": "Kebakaran",
        "wind": "Angin kencang",
    },
}

# The choice list of each Berdaya code set (list name -> TextChoices).
CODE_LISTS = {
    "jenis_kelamin": Person.Sex,
    "hubungan": Person.Relation,
    "status_kawin": choices.Marital,
    "pendidikan": choices.Education,
    "pekerjaan": choices.Occupation,
    "disabilitas": choices.Disability,
    "lantai": choices.Floor,
    "dinding": choices.Wall,
    "atap": choices.Roof,
    "air_minum": choices.Water,
    "sanitasi": choices.Sanitation,
    "listrik": choices.Electricity,
    "bahan_bakar": choices.CookingFuel,
    "aset": choices.Asset,
    "pendapatan": choices.IncomeBand,
    "bencana": choices.Disaster,
}


@dataclass(frozen=True)
class Choice:
    name: str
    label: tuple[str, str]
    village: str = ""  # the choice filter of the people list (`desa = ${kode_desa}`)


# Asked of every member from ASKED_FROM_AGE (networks.survey), who names up to MAX_NAMES
# people per question: picked from the village's people when the form carries their list,
# written in (separated by commas) when someone is not on it.
_NETWORK_LABELS = {
    "advice_from": (
        "nasihat",
        "Kepada siapa Anda minta nasihat soal pertanian, uang atau keluarga?",
        "To whom do you go for advice on farming, money or family matters?",
    ),
    "opinion_matters": (
        "pendapat",
        "Pendapat siapa yang penting dalam musyawarah desa?",
        "Whose opinion matters in village meetings?",
    ),
}


def _network_questions(*, with_list: bool) -> tuple[Question, ...]:
    from berdaya.networks.survey import ASKED_FROM_AGE, MAX_NAMES, QUESTIONS

    asked = f"(${{tanggal_lahir}} = '' or ${{umur}} >= {ASKED_FROM_AGE})"
    limit = (
        f"Paling banyak {MAX_NAMES} orang per pertanyaan.",
        f"At most {MAX_NAMES} people per question.",
    )
    built = []
    for key, _kind, _label in QUESTIONS:
        name, label_id, label_en = _NETWORK_LABELS[key]
        picked = f"count-selected(${{{name}}}) + " if with_list else ""
        built += [
            _q(
                name,
                f"select_multiple {PEOPLE_LIST}",
                f"{label_id} (paling banyak {MAX_NAMES})",
                f"{label_en} (at most {MAX_NAMES})",
                f"network.{key}",
                relevant=asked,
                constraint=f"count-selected(.) <= {MAX_NAMES}",
                constraint_message=limit,
                appearance="minimal autocomplete",
                choice_filter="desa = ${kode_desa}",
            ),
            _q(
                f"{name}_lain",
                "text",
                "Nama lain (tidak ada di daftar), dipisah koma",
                "Other names (not on the list), separated by commas",
                f"network.{key}_names",
                relevant=asked,
                constraint=f"{picked}string-length(.) - string-length(translate(., ',;', ''))"
                f" + 1 <= {MAX_NAMES}",
                constraint_message=limit,
            ),
        ]
    return tuple(built)


def _count_constraint(question: Question) -> Question:
    """A count's range is the registry column's (what the import accepts), from 0."""
    if question.key not in {*_COUNTS, "monthly_expenditure"} or question.constraint:
        return question
    low, high = column_range(HouseholdSurvey, question.key)
    return replace(
        question,
        constraint=f". >= {max(0, low)} and . <= {high}",
        constraint_message=(
            f"Isi bilangan bulat dari {max(0, low)} sampai {high}.",
            f"A whole number from {max(0, low)} to {high}.",
        ),
    )


@dataclass
class Form:
    """The questionnaire as built for one programme (or for everyone)."""

    groups: list[Group]
    lists: dict[str, list[Choice]] = field(default_factory=dict)
    form_id: str = FORM_ID
    title: str = FORM_TITLE

    def questions(self) -> list[Question]:
        """Every question that fills a Berdaya field, with its group and level."""
        found = []
        for group in self.groups:
            for question in group.questions:
                if question.key:
                    found.append(question)
        return found


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def _code_list(list_name: str, codes) -> list[Choice]:
    indonesian = _ID_LABELS[list_name]
    return [Choice(value, (indonesian[value], _english(label))) for value, label in codes.choices]


def scheme_choices(organisation_id: int | None = None) -> list[Choice]:
    """National schemes, then the organisation's own."""
    schemes = SocialProtectionScheme.objects.filter(organisation__isnull=True)
    if organisation_id is not None:
        schemes = schemes | SocialProtectionScheme.objects.filter(organisation_id=organisation_id)
    return [
        Choice(s.code, (s.name, s.name))
        for s in schemes.order_by("organisation_id", "code")
        if s.code
    ]


def _programme_group(questions: Sequence[CustomQuestion]) -> tuple[Group, dict]:
    built, lists = [], {}
    for custom in questions:
        kind = custom.kind
        if kind in {CustomQuestion.Kind.SELECT_ONE, CustomQuestion.Kind.SELECT_MULTIPLE}:
            list_name = f"{PROGRAMME_GROUP}_{custom.name}"
            type_ = f"{kind} {list_name}"
            lists[list_name] = [
                Choice(str(c["code"]), (c["label_id"], c.get("label_en") or c["label_id"]))
                for c in custom.choices
            ]
        elif kind == CustomQuestion.Kind.YES_NO:
            type_ = _YES_NO
        else:
            type_ = kind
        built.append(
            Question(
                name=custom.name,
                type=type_,
                label=(custom.label_id, custom.label_en or custom.label_id),
                key=f"extra.{custom.name}",
                required=custom.required,
            )
        )
    group = Group(PROGRAMME_GROUP, ("Pertanyaan program", "Programme questions"), tuple(built))
    return group, lists


def form_build(
    *,
    organisation_id: int | None = None,
    custom_questions: Iterable[CustomQuestion] = (),
    villages: Sequence[tuple[str, str]] = (),
    people: Sequence[Choice] = (),
    provinces: Iterable[str] | None = None,
    form_id: str = FORM_ID,
    title: str = FORM_TITLE,
) -> Form:
    """The questionnaire: Berdaya's groups, then the programme's own questions.

    `villages` as (code, name) pairs turn the village code into a list to choose from;
    `people` (their registry id, name and village) are the list the network questions
    pick from. `provinces` are the province codes a NIK may start with (those of the
    areas loaded, as the import checks, when not given).
    """
    lists: dict[str, list[Choice]] = {
        "ya_tidak": [Choice(YES, ("Ya", "Yes")), Choice(NO, ("Tidak", "No"))],
    }
    for list_name, codes in CODE_LISTS.items():
        lists[list_name] = _code_list(list_name, codes)
    lists["program"] = scheme_choices(organisation_id)
    lists[PEOPLE_LIST] = list(people)
    if provinces is None:
        from berdaya.areas.models import Province

        provinces = list(Province.objects.values_list("code", flat=True))
    groups = []
    for group in GROUPS:
        members = group.questions
        if group.name == MEMBERS_REPEAT:
            members = (*members, *_network_questions(with_list=bool(people)))
        questions = tuple(_count_constraint(_set_group(q, group)) for q in members)
        questions = tuple(
            replace(q, constraint=f"regex(., '{nik_pattern(provinces)}')") if q.key == "nik" else q
            for q in questions
        )
        if villages and group.name == "lokasi":
            lists["desa"] = [Choice(code, (name, name)) for code, name in villages]
            # Chosen, not typed: no pattern, no typing hint, no number keyboard.
            questions = tuple(
                replace(
                    q,
                    type="select_one desa",
                    constraint="",
                    constraint_message=("", ""),
                    hint=("", ""),
                    appearance="",
                )
                if q.key == "village_code"
                else q
                for q in questions
            )
        groups.append(replace(group, questions=questions))
        if group.name == MEMBERS_REPEAT:
            groups.append(Group("", ("", ""), _HEAD_CHECK, relevant=""))
    custom = list(custom_questions)
    if custom:
        programme_group, programme_lists = _programme_group(custom)
        programme_group = replace(
            programme_group,
            questions=tuple(_set_group(q, programme_group) for q in programme_group.questions),
        )
        lists.update(programme_lists)
        # Before the closing notes, so the facilitator's remarks stay last.
        groups.insert(len(groups) - 1, programme_group)
    return Form(groups=groups, lists=lists, form_id=form_id, title=title)


def _set_group(question: Question, group: Group) -> Question:
    level = MEMBER if group.repeat else HOUSEHOLD
    return replace(question, group=group.name, level=level)


SURVEY_COLUMNS = (
    "type",
    "name",
    f"label::{ID}",
    f"label::{EN}",
    f"hint::{ID}",
    f"hint::{EN}",
    "required",
    "constraint",
    f"constraint_message::{ID}",
    f"constraint_message::{EN}",
    "relevant",
    "appearance",
    "calculation",
    "choice_filter",
    "repeat_count",
)


def _survey_rows(form: Form) -> list[list[str]]:
    blank = [""] * (len(SURVEY_COLUMNS) - 2)
    rows = [["start", "start", *blank], ["end", "end", *blank]]

    def row(question: Question) -> list[str]:
        return [
            question.type,
            question.name,
            question.label[0],
            question.label[1],
            question.hint[0],
            question.hint[1],
            "yes" if question.required else "",
            question.constraint,
            question.constraint_message[0],
            question.constraint_message[1],
            question.relevant,
            question.appearance,
            question.calculation,
            question.choice_filter,
            "",
        ]

    def written(question: Question) -> bool:
        # A list with nothing in it (no one registered yet in the programme's villages)
        # would break the form: its question is left out, the written-in one stays.
        return not question.list_name or bool(form.lists.get(question.list_name))

    def group_row(kind: str, group: Group) -> list[str]:
        blank = [""] * (len(SURVEY_COLUMNS) - 4)
        return [kind, group.name, group.label[0], group.label[1], *blank]

    for group in form.groups:
        if not group.name:  # top-level questions, outside any group
            rows.extend(row(q) for q in group.questions if written(q))
            continue
        kind = "repeat" if group.repeat else "group"
        opening = group_row(f"begin_{kind}", group)
        opening[SURVEY_COLUMNS.index("relevant")] = group.relevant
        opening[SURVEY_COLUMNS.index("repeat_count")] = group.repeat_count
        rows.append(opening)
        rows.extend(row(q) for q in group.questions if written(q))
        rows.append([f"end_{kind}"] + [""] * (len(SURVEY_COLUMNS) - 1))
    return rows


CHOICE_COLUMNS = ("list_name", "name", f"label::{ID}", f"label::{EN}", "desa")
INSTANCE_NAME = "concat(${kode_desa}, ' RW ', ${rw}, ' RT ', ${rt})"


def _choice_rows(form: Form) -> list[list[str]]:
    return [
        [list_name, choice.name, choice.label[0], choice.label[1], choice.village]
        for list_name, items in form.lists.items()
        for choice in items
    ]


def form_version(form: Form) -> str:
    """`FORM_VERSION` and a digest of every row the form's workbook holds: a changed
    question, choice, village, person on the list or title gives a new version; the same
    form, built again, the same one."""
    content = {
        "survey": _survey_rows(form),
        "choices": _choice_rows(form),
        "settings": [form.title, form.form_id, DEFAULT_LANGUAGE, INSTANCE_NAME],
    }
    digest = hashlib.sha256(
        json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
    return f"{FORM_VERSION}.{int(digest[:12], 16) % 10**10:010d}"


def xlsform_build(form: Form | None = None) -> bytes:
    """The questionnaire as an XLSForm workbook (.xlsx bytes)."""
    form = form or form_build()
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(list(SURVEY_COLUMNS))
    for values in _survey_rows(form):
        survey.append(values)
    choices_sheet = workbook.create_sheet("choices")
    choices_sheet.append(list(CHOICE_COLUMNS))
    for values in _choice_rows(form):
        choices_sheet.append(values)
    settings_sheet = workbook.create_sheet("settings")
    settings_sheet.append(["form_title", "form_id", "version", "default_language", "instance_name"])
    settings_sheet.append(
        [form.title, form.form_id, form_version(form), DEFAULT_LANGUAGE, INSTANCE_NAME]
    )
    for sheet in (survey, choices_sheet, settings_sheet):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def form_for_programme(programme=None, *, organisation_id: int | None = None, user=None) -> Form:
    """The form a programme's facilitators collect with: its villages and its questions.

    With `user`, the network questions pick from the people of the programme's villages
    whose personal data the user may see (names: the caller records the download)."""
    if programme is None:
        return form_build(organisation_id=organisation_id)
    villages = [
        (v.code, f"{v.name} ({v.code})") for v in programme.villages.order_by("name", "code")
    ]
    return form_build(
        organisation_id=programme.organisation_id,
        custom_questions=programme.custom_questions.all(),
        villages=villages,
        people=people_choices(programme, user=user) if user is not None else (),
        form_id=f"{FORM_ID}_{programme.pk}",
        title=f"{FORM_TITLE}: {programme.name}"[:80],
    )


def form_for_download(programme, *, user) -> Form:
    """The programme's form as `user` downloads it: with the people of their villages for
    the network questions, and that read of names recorded in `PersonalDataAccess`."""
    from berdaya.core.models import PersonalDataAccess

    form = form_for_programme(programme, user=user)
    people = form.lists.get(PEOPLE_LIST, [])
    if people:
        PersonalDataAccess.objects.create(
            user=user,
            organisation_id=programme.organisation_id,
            action=PersonalDataAccess.Action.EXPORT,
            object_type="person",
            row_count=len(people),
            purpose="XLSForm",
        )
    return form


def people_choices(programme, *, user) -> list[Choice]:
    """The present people of the programme's villages that `user` may see, as a list the
    network questions pick from: the registry id, the name with dusun and RT, the village."""
    from berdaya.core.access import village_codes_for, visible_to

    codes = village_codes_for(user, personal=True, organisation_id=programme.organisation_id)
    codes = codes & set(programme.villages.values_list("code", flat=True))
    people = visible_to(user, Person.objects.all()).filter(
        organisation_id=programme.organisation_id,
        household__village_id__in=codes,
        status=Person.Status.PRESENT,
    )
    found = []
    for pk, name, village, dusun, rt in people.order_by(
        "household__village_id", "name", "pk"
    ).values_list("pk", "name", "household__village_id", "household__dusun", "household__rt"):
        where = ", ".join(part for part in (dusun, f"RT {rt}" if rt else "") if part)
        label = f"{name} ({where})" if where else name
        found.append(Choice(str(pk), (label, label), village=village))
    return found
