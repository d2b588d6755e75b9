"""The demo's second and third P: a year of accompaniment, groups, a plan, cadres.

Built through the services (so every rule holds), from a seeded Random (so it is the
same every time). The year runs from November 2025 to October 2026: early on the
facilitator calls most meetings and a few better-off villagers do most of the talking;
over the months the community and its groups take the lead and more voices count.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from berdaya.facilitation.models import Activity, AgeBand
from berdaya.facilitation.services import activity_record, attendance_record, guests_record
from berdaya.groups.services import (
    group_assess_maturity,
    group_create,
    group_member_add,
    group_member_leave,
    rubric_default,
)
from berdaya.planning import services as planning
from berdaya.programmes.models import ProgrammeVillage
from berdaya.programmes.services import (
    PhaseInput,
    cadre_mark,
    critical_mass_target_set,
    programme_phases_revise,
)
from berdaya.registry.models import Person

D = datetime.date
YEAR_START = D(2025, 11, 1)
MONTHS = 12
JAKARTA = ZoneInfo("Asia/Jakarta")

# kind: (people from, people to, stage, level, strategies)
KINDS = {
    Activity.Kind.VISIT: (2, 4, "pendampingan", "micro", ["participation"]),
    Activity.Kind.DIALOGUE: (6, 12, "pendampingan", "mezzo", ["participation", "local_wisdom"]),
    Activity.Kind.FGD: (8, 14, "pendampingan", "mezzo", ["participation"]),
    Activity.Kind.TRAINING: (10, 18, "pelembagaan", "mezzo", ["capacity", "entrepreneurship"]),
    Activity.Kind.MUSYAWARAH: (15, 26, "pendampingan", "macro", ["participation", "advocacy"]),
    Activity.Kind.HEARING: (5, 9, "pendampingan", "macro", ["advocacy", "partnership"]),
    Activity.Kind.GROUP_MEETING: (6, 14, "pelembagaan", "mezzo", ["saving", "participation"]),
    Activity.Kind.CAMPAIGN: (12, 22, "pendampingan", "macro", ["advocacy", "local_wisdom"]),
}
KIND_WEIGHTS = {  # besides the monthly group meeting
    Activity.Kind.VISIT: 3,
    Activity.Kind.DIALOGUE: 2,
    Activity.Kind.FGD: 2,
    Activity.Kind.TRAINING: 2,
    Activity.Kind.MUSYAWARAH: 1,
    Activity.Kind.HEARING: 1,
    Activity.Kind.CAMPAIGN: 1,
}
TITLES = {
    Activity.Kind.VISIT: [
        "Kunjungan rumah lansia",
        "Kunjungan rumah keluarga PKH",
        "Kunjungan ke kebun warga",
    ],
    Activity.Kind.DIALOGUE: [
        "Obrolan sore di pos ronda",
        "Dialog warga soal air bersih",
        "Sarasehan dusun",
    ],
    Activity.Kind.FGD: [
        "FGD air bersih musim kemarau",
        "FGD perempuan dan pangan",
        "FGD pemuda dan kerja",
    ],
    Activity.Kind.TRAINING: [
        "Pelatihan pembukuan kelompok",
        "Pelatihan pupuk organik",
        "Pelatihan olahan singkong",
    ],
    Activity.Kind.MUSYAWARAH: ["Musyawarah dusun", "Musyawarah rencana desa", "Rembug warga"],
    Activity.Kind.HEARING: [
        "Audiensi ke kalurahan soal PAH",
        "Dengar pendapat dengan Dinas Sosial",
    ],
    Activity.Kind.GROUP_MEETING: ["Pertemuan rutin"],
    Activity.Kind.CAMPAIGN: [
        "Kampanye cuci tangan dan jamban sehat",
        "Gerakan menanam di lahan pekarangan",
    ],
}
PLACES = [
    "Balai dusun",
    "Rumah Pak Dukuh",
    "Masjid dusun",
    "Pos ronda",
    "Balai kalurahan",
    "Rumah ketua kelompok",
]


def _adults(village_code: str, organisation_id: int) -> list[Person]:
    return list(
        Person.objects.filter(
            organisation_id=organisation_id,
            household__village_id=village_code,
            status=Person.Status.PRESENT,
            birth_date__lte=D(2007, 12, 1),
        )
        .select_related("household__latest_survey")
        .order_by("pk")
    )


def _better_off(adults: Sequence[Person]) -> set[int]:
    """The quarter of adults from the households that spend most (a cheap stand-in for wealth)."""
    spending = sorted(
        {
            p.household_id: (p.household.latest_survey.monthly_expenditure or 0)
            if p.household.latest_survey
            else 0
            for p in adults
        }.items(),
        key=lambda item: -item[1],
    )
    top = {household for household, _amount in spending[: max(1, len(spending) // 4)]}
    return {p.pk for p in adults if p.household_id in top}


def _groups(rng, community, code: str, user, adults: list[Person], *, first: bool) -> list:
    organisation, programme = community.organisation, community.programme
    women = [p for p in adults if p.sex == Person.Sex.FEMALE]
    men = [p for p in adults if p.sex == Person.Sex.MALE]
    if first:  # Girisekar
        plans = [
            ("Arisan Ibu-ibu Dusun Blimbing", "arisan", True, D(2012, 3, 1), women, 16),
            ("KWT Sekar Melati", "women", True, D(2019, 8, 17), women, 12),
            ("KUBE Ternak Kambing Maju Bersama", "kube", False, D(2026, 1, 15), adults, 10),
        ]
    else:  # Sidoharjo
        plans = [
            ("Kelompok Tani Ngudi Rejeki", "farmers", True, D(2008, 5, 1), men, 14),
            ("KUBE Anyaman Pandan Lestari", "kube", False, D(2026, 2, 2), women, 10),
        ]
    groups = []
    for name, kind, existed, founded, pool, size in plans:
        group = group_create(
            user=user,
            organisation_id=organisation.pk,
            village_code=code,
            name=name,
            kind=kind,
            existed_before_programme=existed,
            founded_on=founded,
            programme=programme,
            meeting_schedule=(
                "Setiap Minggu Legi, bergiliran di rumah anggota"
                if existed
                else "Setiap tanggal 5, di balai dusun"
            ),
            bylaws="Iuran wajib, simpanan pokok, rapat anggota tahunan." if existed else "",
        )
        members = rng.sample(pool, min(size, len(pool)))
        for index, person in enumerate(members):
            role = ["chair", "secretary", "treasurer"][index] if index < 3 else "member"
            joined = founded + datetime.timedelta(days=rng.randrange(0, 400 if existed else 30))
            group_member_add(
                group=group, person=person, joined_on=min(joined, D(2026, 2, 20)), role=role
            )
        if existed:  # someone moved on: their membership ends, it is not erased
            leaving = group.members.filter(role="member").order_by("pk").first()
            group_member_leave(membership=leaving, left_on=D(2026, 6, 30))
        groups.append((group, members))
    return groups


def _assess(rng, community, groups, user) -> None:
    rubric = rubric_default(programme=community.programme)
    keys = list(rubric.criteria.order_by("order").values_list("key", flat=True))
    evidence = {
        "governance": "Pengurus dipilih dalam rapat anggota",
        "participation": "Daftar hadir rapat rata-rata dua pertiga anggota",
        "finance": "Buku kas ditulis tiap pertemuan",
        "planning": "Ada rencana kegiatan setahun",
        "networking": "Sudah bertemu kalurahan dan PPL",
        "self_reliance": "Pertemuan tetap jalan tanpa pendamping",
    }
    for group, _members in groups:
        base = 2.4 if group.existed_before_programme else 1.4
        # The arisan and the farmers were last assessed in April: due again by the autumn.
        dates = (
            (D(2025, 11, 20), D(2026, 4, 10))
            if group.kind in ("arisan", "farmers")
            else (D(2026, 1, 20), D(2026, 7, 15))
        )
        for round_, on in enumerate(dates):
            scores = {
                key: (
                    max(1, min(4, round(base + 0.5 * round_ + rng.uniform(-0.7, 0.7)))),
                    evidence[key],
                )
                for key in keys
            }
            group_assess_maturity(
                group=group,
                rubric=rubric,
                assessed_on=on,
                scores=scores,
                user=user,
                notes="Dinilai bersama pengurus dan anggota." if round_ else "Penilaian awal.",
            )


def _attend(rng, activity, people, *, month: int, better_off: set[int], cadres: set[int]):
    """Record who came and what they did; early on the better-off speak and decide more."""
    lean = 1 - month / (MONTHS - 1)  # 1 in the first month, 0 in the last
    deciding = activity.kind in ("musyawarah", "fgd", "group_meeting", "dialogue")
    for person in people:
        weight = 1 + 3 * lean if person.pk in better_off else 1
        spoke = rng.random() < min(0.9, 0.25 * weight)
        proposed = spoke and rng.random() < min(0.9, 0.3 * weight)
        decided = deciding and rng.random() < min(0.95, 0.18 * weight + 0.25 * (1 - lean))
        facilitated = person.pk in cadres and rng.random() < 0.4
        attendance_record(
            activity=activity,
            person=person,
            spoke=spoke,
            proposed=proposed,
            decided=decided,
            facilitated=facilitated,
        )


def _activities(rng, community, code, user, adults, groups, better_off, cadres) -> list[Activity]:
    programme = community.programme
    others = [u for name, u in community.users.items() if name == "manajer"]
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    recorded = []
    for month in range(MONTHS):
        first = D(
            YEAR_START.year + (YEAR_START.month - 1 + month) // 12,
            (YEAR_START.month - 1 + month) % 12 + 1,
            1,
        )
        own_share = 0.15 + 0.6 * month / (MONTHS - 1)
        for number in range(2):
            # One group meeting a month, the groups taking turns; then another kind.
            kind = Activity.Kind.GROUP_MEETING if number == 0 else rng.choices(kinds, weights)[0]
            low, high, stage, level, strategies = KINDS[kind]
            group, members = groups[month % len(groups)] if number == 0 else (None, None)
            roll = rng.random()
            if group is not None:
                initiated = "group" if roll < own_share + 0.2 else "facilitator"
            elif roll < own_share:
                initiated = "community"
            elif roll < own_share + 0.08:
                initiated = "external"
            else:
                initiated = "facilitator"
            day = first + datetime.timedelta(days=rng.randrange(2, 27))
            title = rng.choice(TITLES[kind])
            if group is not None:
                title = f"{title} {group.name}"
            activity = activity_record(
                user=user,
                programme=programme,
                village_code=code,
                kind=kind,
                title=title,
                held_on=day,
                initiated_by=initiated,
                stage=stage,
                level=level,
                strategies=strategies,
                place=rng.choice(PLACES),
                initiator_person=rng.choice(adults) if initiated == "community" else None,
                initiator_group=group if initiated == "group" else None,
                group=group,
                facilitators=[user, *(others if rng.random() < 0.2 else [])],
                notes="",
            )
            pool = members if members else adults
            size = min(len(pool), rng.randint(low, high))
            _attend(
                rng,
                activity,
                rng.sample(pool, size),
                month=month,
                better_off=better_off,
                cadres=cadres,
            )
            if kind in ("musyawarah", "campaign", "training") and rng.random() < 0.7:
                for sex in ("L", "P"):
                    guests_record(
                        activity=activity,
                        sex=sex,
                        age_band=rng.choice([AgeBand.YOUTH, AgeBand.ADULT, AgeBand.ELDERLY]),
                        count=rng.randint(1, 4),
                    )
            recorded.append(activity)
    # Planned ahead: they show on the facilitator's page as coming up.
    for day, kind, title in (
        (D(2026, 12, 8), "visit", "Kunjungan rumah anggota KUBE"),
        (D(2026, 12, 14), "musyawarah", "Musyawarah evaluasi tahunan"),
        (D(2027, 1, 12), "training", "Pelatihan pemasaran hasil kelompok"),
    ):
        low, high, stage, level, strategies = KINDS[kind]
        activity_record(
            user=user,
            programme=programme,
            village_code=code,
            kind=kind,
            title=title,
            held_on=day,
            initiated_by="community" if kind == "musyawarah" else "facilitator",
            stage=stage,
            level=level,
            strategies=strategies,
            place=PLACES[0],
        )
    return recorded


def _plan(rng, community, code, user, adults, activities) -> None:
    """One full six-stage plan in Girisekar, voted by Borda count."""
    programme = community.programme
    cycle = planning.cycle_start(
        user=user,
        programme=programme,
        village_code=code,
        title="Rencana Aksi Warga Girisekar 2026",
        started_on=D(2026, 2, 10),
    )
    meeting = next((a for a in activities if a.kind == "musyawarah"), None)
    raisers = rng.sample(adults, 6)
    texts = [
        ("Air bersih susah saat kemarau", "Sumur kering Juli–Oktober, beli air tangki Rp150.000."),
        ("Jalan ke ladang rusak", "Motor tidak bisa lewat saat hujan."),
        ("Harga jual kambing rendah", "Dijual ke tengkulak saat butuh uang."),
        ("Anak muda merantau, ladang tak tergarap", ""),
        ("Modal usaha kecil sulit didapat", "Pinjaman bank butuh agunan."),
        ("Lansia tinggal sendiri tanpa perawatan", ""),
    ]
    problems = [
        planning.problem_add(
            cycle=cycle, title=title, description=description, raised_by=person, raised_at=meeting
        )
        for (title, description), person in zip(texts, raisers, strict=True)
    ]
    water, road, goats = problems[0], problems[1], problems[2]
    for problem, causes, effects in (
        (
            water,
            [
                ("Tanah karst, air cepat meresap", ["Tidak ada penampungan air hujan bersama"]),
                ("Sumur dangkal", []),
            ],
            ["Pengeluaran rumah tangga naik", "Anak terlambat sekolah karena mengambil air"],
        ),
        (
            road,
            [("Tidak ada anggaran perawatan", ["Usulan kalah di musrenbang"])],
            ["Hasil panen terlambat dijual"],
        ),
        (
            goats,
            [
                ("Tidak ada kelompok pemasaran", []),
                ("Butuh uang mendadak", ["Tidak punya tabungan"]),
            ],
            ["Pendapatan peternak rendah"],
        ),
    ):
        for cause, deeper in causes:
            node = planning.tree_node_add(problem=problem, kind="cause", text=cause)
            for text in deeper:
                planning.tree_node_add(problem=problem, kind="cause", text=text, parent=node)
        for text in effects:
            planning.tree_node_add(problem=problem, kind="effect", text=text)
    planning.cycle_advance(cycle=cycle)
    planning.voting_open(cycle=cycle, method="borda")
    voters = rng.sample(adults, 16)
    opened = datetime.datetime(2026, 3, 7, 9, 30, tzinfo=JAKARTA)
    taste = [0.0, 0.8, 0.6, 1.6, 1.4, 2.2]  # water first for most, then road and goats
    for index, voter in enumerate(voters[:15]):
        if index == 7:  # took part but chose not to rank: an abstention
            ballot = {}
        else:
            order = sorted(range(6), key=lambda i: taste[i] + rng.uniform(0, 1.6))
            ballot = {str(problems[i].pk): place for place, i in enumerate(order[:4], start=1)}
        planning.vote_record(
            cycle=cycle,
            voter=voter,
            ballot=ballot,
            cast_at=opened + datetime.timedelta(minutes=2 * index),
        )
    # A correction: the fourth voter's ballot was misread and is entered again.
    planning.vote_record(
        cycle=cycle,
        voter=voters[3],
        ballot={str(road.pk): 1, str(water.pk): 2, str(goats.pk): 3},
        cast_at=opened + datetime.timedelta(minutes=40),
    )
    closed = opened + datetime.timedelta(hours=2)
    # Handed in after the vote closed: recorded, shown, not counted.
    planning.vote_record(
        cycle=cycle,
        voter=voters[15],
        ballot={str(goats.pk): 1},
        cast_at=closed + datetime.timedelta(minutes=25),
    )
    planning.voting_close(cycle=cycle, at=closed)
    owners = rng.sample(adults, 6)
    tandon = planning.solution_add(
        problem=water,
        title="Bangun penampungan air hujan bersama secara gotong royong",
        socio_cultural=True,
        internal_resources="Tenaga kerja bakti, batu, lahan wakaf dusun",
        external_resources="Semen dan pipa dari Dana Desa",
    )
    pipa = planning.solution_add(
        problem=water,
        title="Sambungan pipa dari sumber PDAM",
        socio_cultural=False,
        external_resources="Anggaran PDAM dan kabupaten",
    )
    kerja_bakti = planning.solution_add(
        problem=road,
        title="Kerja bakti perbaikan jalan ladang tiap bulan",
        socio_cultural=True,
        internal_resources="Tenaga warga, batu kapur",
        external_resources="Pinjaman alat berat kalurahan",
    )
    tasks = [
        (
            tandon,
            "Musyawarah lokasi dan jadwal kerja bakti",
            owners[0],
            "",
            D(2026, 4, 15),
            "Lokasi disepakati dan tercatat",
            "done",
            "achieved",
        ),
        (
            tandon,
            "Usulkan semen dan pipa ke musrenbang kalurahan",
            owners[1],
            "",
            D(2026, 5, 30),
            "Usulan masuk APBKal 2026",
            "done",
            "partly",
        ),
        (
            tandon,
            "Bangun bak penampungan 20 m³",
            owners[2],
            "",
            D(2026, 10, 15),
            "Bak terisi saat hujan pertama",
            "doing",
            None,
        ),
        (
            pipa,
            "Surati PDAM soal jaringan pipa",
            None,
            "Pemerintah Kalurahan",
            D(2026, 6, 30),
            "Ada jawaban tertulis PDAM",
            "done",
            "not_achieved",
        ),
        (
            kerja_bakti,
            "Jadwal kerja bakti bergilir per RT",
            owners[3],
            "",
            D(2026, 4, 30),
            "Jadwal ditempel di pos ronda",
            "done",
            "achieved",
        ),
        (
            kerja_bakti,
            "Perbaiki 300 m jalan ke ladang Blimbing",
            owners[4],
            "",
            D(2026, 12, 15),
            "Motor bisa lewat saat hujan",
            "planned",
            None,
        ),
    ]
    made = []
    for solution, title, owner, outside, due, indicator, status, outcome in tasks:
        task = planning.task_add(
            solution=solution,
            title=title,
            owner=owner,
            owner_outside=outside,
            due_on=due,
            success_indicator=indicator,
        )
        made.append((task, status, outcome))
    for task, status, outcome in made:
        planning.task_update(task=task, status=status)
        if outcome:
            planning.task_evaluate(
                task=task,
                evaluated_on=D(2026, 10, 28),
                outcome=outcome,
                lessons={
                    "achieved": "Musyawarah terbuka membuat semua dusun ikut.",
                    "partly": "Baru semen yang disetujui; pipa menunggu tahun depan.",
                    "not_achieved": "Surat tanpa tindak lanjut tatap muka tidak dijawab.",
                }[outcome],
            )


def _plan_started(community, code, user, adults) -> None:
    """Sidoharjo's farmers have started their own plan: problems only, so far."""
    cycle = planning.cycle_start(
        user=user,
        programme=community.programme,
        village_code=code,
        title="Rencana Kelompok Tani Sidoharjo 2027",
        started_on=D(2026, 11, 2),
    )
    for title, person in (
        ("Benih jagung mahal", adults[3]),
        ("Hama tikus saat panen", adults[10]),
        ("Pupuk bersubsidi sering terlambat", adults[17]),
    ):
        planning.problem_add(cycle=cycle, title=title, raised_by=person)


def _cadres(rng, community, adults_by_village) -> dict[str, set[int]]:
    reasons = [
        "Ketua KWT, ibu-ibu mendengarkannya; memandu pertemuan tanpa pendamping.",
        "Pemuda yang mengajak teman-temannya ikut kerja bakti dan mencatat notulen.",
        "Tokoh agama yang membuka musyawarah dan menengahi perbedaan pendapat.",
        "Kader posyandu yang mengenal setiap keluarga di dusunnya.",
    ]
    chosen = {}
    for index, (code, adults) in enumerate(adults_by_village.items()):
        people = rng.sample(adults, 3 if index == 0 else 2)
        for number, person in enumerate(people):
            cadre_mark(
                organisation=community.organisation,
                person=person,
                since=D(2025, 9, 1) + datetime.timedelta(days=60 * number),
                why=reasons[(number + index) % len(reasons)],
            )
        chosen[code] = {p.pk for p in people}
    return chosen


def _timeline(community) -> None:
    programme, manager = community.programme, community.users["manajer"]
    first = [
        PhaseInput("pemetaan", D(2025, 1, 6), D(2025, 6, 30), "Registri dan survei rumah tangga"),
        PhaseInput("pendampingan", D(2025, 4, 1), D(2027, 12, 31), "Kunjungan, FGD, musyawarah"),
        PhaseInput("pelembagaan", D(2025, 10, 1), D(2028, 6, 30), "Penguatan kelompok"),
        PhaseInput("pengelolaan", D(2026, 7, 1), D(2028, 12, 31), "Tabungan dan usaha bersama"),
        PhaseInput("pembelajaran", D(2025, 7, 1), D(2029, 1, 6), "Cerita perubahan, evaluasi"),
    ]
    programme_phases_revise(programme=programme, phases=first, reason="", user=manager)
    revised = [
        PhaseInput("pemetaan", D(2025, 1, 6), D(2025, 9, 30), "Registri dan survei rumah tangga"),
        first[1],
        PhaseInput("pelembagaan", D(2026, 1, 1), D(2028, 6, 30), "Penguatan kelompok"),
        PhaseInput("pengelolaan", D(2026, 10, 1), D(2028, 12, 31), "Tabungan dan usaha bersama"),
        first[4],
    ]
    programme_phases_revise(
        programme=programme,
        phases=revised,
        reason=(
            "Pemetaan mundur tiga bulan karena musim panen; penguatan kelompok dan usaha "
            "bersama ikut bergeser."
        ),
        user=manager,
    )


def demo_accompaniment(community, *, seed: int = 2026) -> None:
    """Add a year of accompaniment, groups, a plan, cadres and targets to the demo."""
    rng = random.Random(seed)
    organisation = community.organisation
    codes = list(community.villages)
    facilitators = {
        codes[0]: community.users["pendamping.girisekar"],
        codes[1]: community.users["pendamping.sidoharjo"],
    }
    adults = {code: _adults(code, organisation.pk) for code in codes}
    cadres = _cadres(rng, community, adults)
    for code in codes:
        user, people = facilitators[code], adults[code]
        groups = _groups(rng, community, code, user, people, first=code == codes[0])
        _assess(rng, community, groups, user)
        activities = _activities(
            rng, community, code, user, people, groups, _better_off(people), cadres[code]
        )
        if code == codes[0]:
            _plan(rng, community, code, user, people, activities)
        else:
            _plan_started(community, code, user, people)
    for code, percent in zip(codes, (25, 20), strict=True):
        coverage = ProgrammeVillage.objects.get(programme=community.programme, village_id=code)
        critical_mass_target_set(coverage=coverage, percent=percent)
    _timeline(community)
