"""Rothman's three models of community intervention on twelve practice variables (seed 004,
Rothman 1995 as taught by Aribowo): A locality development, B social planning and policy,
C social action. A programme answers each variable with the model(s) its practice follows;
the placement is each model's share of the twelve (a variable answered with two models
gives each half), and the practitioner roles follow from the models that dominate. The
activity log shows what the programme actually did, which may differ from what it says.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

MODELS = ("A", "B", "C")
MODEL_NAMES = {
    "A": _("Locality development"),
    "B": _("Social planning and policy"),
    "C": _("Social action"),
}
# The practitioner roles of each model (seed 004, variable 5 and the model descriptions).
ROLES = {
    "A": (_("enabler"), _("catalyst"), _("coordinator"), _("teacher of problem-solving skills")),
    "B": (_("data gatherer and analyst"), _("programme implementer"), _("facilitator")),
    "C": (_("activist"), _("advocate"), _("agitator"), _("broker"), _("negotiator"), _("partisan")),
}


@dataclass(frozen=True)
class Variable:
    number: int
    label: str
    a: str
    b: str
    c: str


# The table of seed 004 ("Tiga Model (Pendekatan) Intervensi Komunitas"), kept in the
# seed's Indonesian: each model's answer to each variable.
VARIABLES = (
    Variable(
        1,
        "Kategori tujuan tindakan terhadap masyarakat",
        "Kemandirian; pengembangan kapasitas dan pengintegrasian masyarakat (tujuan proses)",
        "Pemecahan masalah dengan memperhatikan masalah penting di masyarakat (tujuan tugas)",
        "Pergeseran sumber daya dan kekuasaan; perubahan institusi dasar (tugas atau proses)",
    ),
    Variable(
        2,
        "Asumsi mengenai struktur komunitas dan kondisi permasalahannya",
        "Anomie dan kemurungan; kesenjangan relasi dan kapasitas memecahkan masalah secara "
        "demokratis; komunitas tradisional statis",
        "Masalah sosial yang sesungguhnya: kesehatan fisik dan mental, perumahan, rekreasi",
        "Populasi yang dirugikan: kesenjangan sosial, perampasan hak, ketidakadilan",
    ),
    Variable(
        3,
        "Strategi perubahan dasar",
        "Pelibatan berbagai kelompok warga dalam menentukan dan memecahkan masalah mereka sendiri",
        "Pengumpulan data tentang masalah, lalu memilih tindakan yang paling rasional",
        "Kristalisasi isu dan pengorganisasian massa untuk menghadapi sasaran yang menjadi “musuh”",
    ),
    Variable(
        4,
        "Karakteristik taktik dan teknik perubahan",
        "Konsensus; komunikasi antarkelompok dan kelompok kepentingan; diskusi kelompok",
        "Konsensus atau konflik; teknik pengumpulan data, keterampilan menganalisis",
        "Konflik atau kontes; konfrontasi, aksi langsung, negosiasi; memobilisasi massa",
    ),
    Variable(
        5,
        "Peran praktisi yang menonjol",
        "Enabler-katalis, koordinator; mengajarkan keterampilan memecahkan masalah dan nilai",
        "Pengumpul dan penganalisis data, pelaksana program, fasilitator",
        "Aktivis, advokat, agitator, pialang, negosiator, partisan",
    ),
    Variable(
        6,
        "Media perubahan",
        "Kelompok kecil yang berorientasi pada penyelesaian tugas",
        "Organisasi formal dan data yang tersedia",
        "Organisasi massa dan proses politik",
    ),
    Variable(
        7,
        "Orientasi terhadap struktur kekuasaan",
        "Anggota struktur kekuasaan sebagai kolaborator dalam usaha bersama",
        "Struktur kekuasaan sebagai pemilik dan sponsor",
        "Struktur kekuasaan sebagai sasaran tindakan dari luar; tekanan dilawan tekanan balik",
    ),
    Variable(
        8,
        "Batasan sistem klien dalam komunitas (konstituensi)",
        "Keseluruhan komunitas geografis",
        "Keseluruhan komunitas atau satu segmen (termasuk komunitas fungsional)",
        "Segmen dalam komunitas",
    ),
    Variable(
        9,
        "Asumsi mengenai kepentingan kelompok-kelompok di komunitas",
        "Kepentingan umum atau permufakatan dari berbagai perbedaan",
        "Permufakatan kepentingan atau konflik",
        "Konflik kepentingan yang sulit dimufakatkan; kelangkaan sumber daya",
    ),
    Variable(
        10,
        "Konsepsi mengenai populasi klien",
        "Warga masyarakat",
        "Konsumen (pengguna jasa)",
        "“Korban”",
    ),
    Variable(
        11,
        "Konsepsi mengenai peran klien",
        "Partisipan dalam proses interaksional pemecahan masalah",
        "Konsumen atau penerima layanan",
        "Employer, konstituen, anggota",
    ),
    Variable(
        12,
        "Pemanfaatan pemberdayaan",
        "Mengembangkan kapasitas komunitas mengambil keputusan bersama dan rasa percaya diri",
        "Mencari tahu layanan yang dibutuhkan pengguna dan memberi tahu pilihan layanan",
        "Meraih kekuasaan objektif bagi yang tertindas untuk memilih dan memutuskan aksi",
    ),
)


@dataclass(frozen=True)
class Placement:
    shares: dict[str, Fraction]  # model -> share of the twelve variables

    @property
    def dominant(self) -> list[str]:
        """The model(s) with the largest share (more than one on a tie)."""
        best = max(self.shares.values())
        return [m for m in MODELS if self.shares[m] == best and best > 0]

    @property
    def roles(self) -> list[str]:
        return [str(role) for model in self.dominant for role in ROLES[model]]


def placement(answers: dict[int, list[str]]) -> Placement:
    """Each variable counts 1, split equally over the models chosen for it."""
    totals = {m: Fraction(0) for m in MODELS}
    for chosen in answers.values():
        for model in chosen:
            totals[model] += Fraction(1, len(chosen))
    count = len(answers) or 1
    return Placement({m: totals[m] / count for m in MODELS})


# What the activity log says: an activity is social action (C) when it serves advocacy or is
# a hearing or a campaign; social planning (B) when it is mapping (data) work; otherwise
# locality development (A) — dialogue, group work, training, deliberation.
def observed_model(activity) -> str:
    if "advocacy" in (activity.strategies or []) or activity.kind in ("hearing", "campaign"):
        return "C"
    if activity.stage == "pemetaan":
        return "B"
    return "A"


@dataclass(frozen=True)
class Observed:
    activities: int
    shares: dict[str, Fraction]
    macro_share: Fraction | None
    advocacy_share: Fraction | None


def observed(activities) -> Observed:
    activities = list(activities)
    count = len(activities)
    tally = Counter(observed_model(a) for a in activities)
    shares = {m: Fraction(tally[m], count) if count else Fraction(0) for m in MODELS}
    macro = sum(1 for a in activities if a.level == "macro")
    advocacy = sum(1 for a in activities if "advocacy" in (a.strategies or []))
    return Observed(
        count,
        shares,
        Fraction(macro, count) if count else None,
        Fraction(advocacy, count) if count else None,
    )


GAP = Fraction(1, 4)  # a model's stated and observed shares differ by a quarter or more


def gaps(stated: Placement, seen: Observed) -> list[tuple[str, Fraction, Fraction]]:
    """Models whose stated share and observed share differ by GAP or more."""
    if not seen.activities:
        return []
    return [
        (m, stated.shares[m], seen.shares[m])
        for m in MODELS
        if abs(stated.shares[m] - seen.shares[m]) >= GAP
    ]
