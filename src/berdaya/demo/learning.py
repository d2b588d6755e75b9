"""The demo's fifth P: stories of change selected at two levels, a results framework,
empowerment assessments in two years, a graduation pathway, a Rothman diagnostic and a
learning review. Built through the services, from fixed choices (so the same every time)."""

from __future__ import annotations

import datetime
import random

from berdaya.learning import services
from berdaya.learning.models import Panel, StoryFeedback, StoryVerification
from berdaya.registry.models import Person

D = datetime.date

PERIODS = (
    ("Semester II 2025", D(2025, 7, 1), D(2025, 12, 31)),
    ("Semester I 2026", D(2026, 1, 1), D(2026, 6, 30)),
    ("Semester II 2026", D(2026, 7, 1), D(2026, 12, 31)),
    ("Semester I 2027", D(2027, 1, 1), D(2027, 6, 30)),
)

# (domain key, title, what happened, why it matters, themes, stage, strategies)
STORIES = (
    (
        "lives",
        "Air PAH cukup sampai kemarau",
        "Setelah kerja bakti membersihkan talang dan bak PAH, keluarga kami punya air hujan "
        "sampai bulan September. Dulu kami membeli air tangki dua kali sebulan.",
        "Uang air tangki sekarang untuk jajan sekolah anak. Saya tidak lagi berjalan jauh "
        "ke telaga membawa jeriken.",
        ["air bersih", "gotong royong"],
        "pengelolaan",
        ["participation"],
    ),
    (
        "voice",
        "Pertama kali bicara di musyawarah dusun",
        "Di musyawarah dusun saya mengusulkan jadwal posyandu sore supaya ibu-ibu yang ke "
        "ladang bisa datang. Usul itu diterima.",
        "Selama ini perempuan hanya duduk di belakang. Sekarang ibu-ibu lain juga berani "
        "mengusulkan.",
        ["perempuan memimpin", "musyawarah"],
        "pendampingan",
        ["participation"],
    ),
    (
        "institutions",
        "Arisan jadi kelompok simpan pinjam",
        "Arisan ibu-ibu RT 03 sepakat menyisihkan sebagian uang arisan menjadi tabungan "
        "bersama dan mencatatnya di buku kas.",
        "Kalau ada yang sakit, kami bisa meminjam dari kelompok sendiri, tidak ke rentenir.",
        ["tabungan", "perempuan memimpin"],
        "pelembagaan",
        ["saving"],
    ),
    (
        "self_reliance",
        "Kerja bakti jalan tanpa menunggu bantuan",
        "Pemuda dusun mengumpulkan iuran dan bergotong royong memperbaiki jalan ke ladang "
        "yang rusak, tanpa menunggu proyek dari luar.",
        "Kami tahu kami bisa memulai sendiri; kalurahan kemudian ikut menambah semen.",
        ["gotong royong", "pemuda"],
        "pengelolaan",
        ["participation", "local_wisdom"],
    ),
    (
        "lives",
        "Olahan singkong menambah penghasilan",
        "Setelah pelatihan olahan singkong, saya membuat keripik dan menitipkannya di warung "
        "dan pasar Kamis.",
        "Penghasilan tambahan kecil tetapi rutin; saya tidak perlu merantau ke kota.",
        ["usaha", "perempuan memimpin"],
        "pengelolaan",
        ["entrepreneurship"],
    ),
    (
        "voice",
        "Audiensi PAH ke kalurahan",
        "Bersama kelompok kami menyampaikan usulan perbaikan PAH di audiensi kalurahan; "
        "usulan masuk rencana kerja kalurahan.",
        "Suara warga miskin didengar oleh pemerintah desa, bukan hanya suara tokoh.",
        ["air bersih", "advokasi"],
        "pendampingan",
        ["advocacy"],
    ),
)
REGISTRY = "Registri rumah tangga Berdaya, survei terakhir tiap rumah tangga"
CONSENTS = ("named", "named", "anonymous", "named", "withheld", "named")


def _tellers(code: str, organisation_id: int) -> list[Person]:
    return list(
        Person.objects.filter(
            organisation_id=organisation_id,
            household__village_id=code,
            status=Person.Status.PRESENT,
            birth_date__lte=D(2000, 1, 1),
        )
        .select_related("household")
        .order_by("pk")[:60]
    )


def _stories(community, periods, facilitators):
    """Six stories per village and period; the village panel chooses in each domain."""
    programme = community.programme
    domains = {d.key: d for d in services.domains_current(programme=programme).domains.all()}
    rng = random.Random(11)
    made = {}
    for period in periods[:2]:
        for code, user in facilitators.items():
            tellers = _tellers(code, community.organisation.pk)
            rng.shuffle(tellers)
            women = [p for p in tellers if p.sex == "P"]
            stories = []
            for index, (key, title, what, why, themes, stage, strategies) in enumerate(STORIES):
                consent = CONSENTS[(index + len(made)) % len(CONSENTS)]
                by_form = index == 3
                teller = None if by_form else (women if index % 2 else tellers)[index]
                story = services.story_record(
                    user=user,
                    programme=programme,
                    village_code=code,
                    period=period,
                    domain=domains[key],
                    title=title if period == periods[0] else f"{title} (lanjutan)",
                    what_happened=what,
                    why_significant=why,
                    source="form" if by_form else "interview",
                    collected_on=period.starts_on + datetime.timedelta(days=40 + 9 * index),
                    consent=consent,
                    storyteller=teller,
                    storyteller_name="Karang Taruna dusun"
                    if by_form and consent != "anonymous"
                    else "",
                    storyteller_sex="L" if by_form else "",
                    storyteller_age=24 if by_form else None,
                    people_affected=[6, 14, 12, 35, 4, 40][index],
                    households_affected=[1, 9, 12, 20, 1, 30][index],
                )
                services.story_analyse(
                    story=story,
                    stage=stage,
                    strategies=strategies,
                    themes=themes,
                    people_affected=story.people_affected,
                    households_affected=story.households_affected,
                )
                stories.append(story)
            made[(period.pk, code)] = stories
    return made


def _village_panels(community, periods, facilitators, stories):
    programme = community.programme
    chosen = {}
    for period in periods[:2]:
        for code, user in facilitators.items():
            panel = services.panel_hold(
                user=user,
                programme=programme,
                period=period,
                level=Panel.Level.VILLAGE,
                village_code=code,
                met_on=period.ends_on - datetime.timedelta(days=20),
                method=Panel.Method.VOTES,
                members=[
                    ("Bu Sumarni", "ketua KWT"),
                    ("Pak Tukiran", "dukuh"),
                    ("Mas Andi", "karang taruna"),
                    ("Bu Wagiyem", "kader posyandu"),
                ],
            )
            by_domain: dict[int, list] = {}
            for story in stories[(period.pk, code)]:
                by_domain.setdefault(story.domain_id, []).append(story)
            for candidates in by_domain.values():
                pick = candidates[-1] if len(candidates) > 1 else candidates[0]
                tally = [{str(s.pk): (5 if s == pick else 2) for s in candidates}]
                selection = services.selection_record(
                    panel=panel,
                    domain=pick.domain,
                    story=pick,
                    reasons=(
                        "Perubahan ini dimulai oleh warga sendiri dan dirasakan banyak "
                        "keluarga miskin; panel ingin dusun lain belajar darinya."
                    ),
                    dissent=(
                        "Pak Tukiran lebih memilih cerita lain karena lebih lama berjalan."
                        if len(candidates) > 1
                        else ""
                    ),
                    tally=tally,
                )
                chosen.setdefault(period.pk, []).append(selection)
    return chosen


def _programme_panels(community, periods, village_choices):
    manager = community.users["manajer"]
    for period in periods[:2]:
        panel = services.panel_hold(
            user=manager,
            programme=community.programme,
            period=period,
            level=Panel.Level.PROGRAMME,
            met_on=period.ends_on + datetime.timedelta(days=10),
            method=Panel.Method.CONSENSUS,
            members=[
                ("Siti Rahayu", "manajer program"),
                ("Agus Prasetyo", "pendamping Girisekar"),
                ("Dewi Lestari", "pendamping Sidoharjo"),
                ("Bu Sumarni", "wakil panel desa"),
            ],
        )
        candidates = services.msc.candidates_for(panel)
        for number, domain_id in enumerate(
            sorted({s.story.domain_id for s in village_choices[period.pk]})
        ):
            options = list(candidates.filter(domain_id=domain_id).order_by("pk"))
            if not options:
                continue  # the village chose a story not to be shared beyond it
            pick = options[0]
            services.selection_record(
                panel=panel,
                domain=pick.domain,
                story=pick,
                reasons=(
                    "Cerita ini menunjukkan warga mengambil prakarsa dan pemerintah desa "
                    "ikut mendukung: itulah perubahan yang ingin kami perbanyak."
                ),
            )
            fed = pick.collected_on + datetime.timedelta(days=30 + 12 * number)
            services.feedback_record(
                story=pick,
                told_on=fed,
                audience=StoryFeedback.Audience.STORYTELLER,
                what=(
                    "Cerita Anda dipilih panel desa dan panel program; alasannya: warga "
                    "sendiri yang memulai dan banyak keluarga merasakan manfaatnya."
                ),
                user=community.users[
                    "pendamping.girisekar"
                    if pick.village_id == "34.03.06.2002"
                    else "pendamping.sidoharjo"
                ],
            )
            services.verification_record(
                story=pick,
                verified_on=fed,
                outcome=StoryVerification.Outcome.CONFIRMED,
                note="Dicek bersama ketua kelompok dan dukuh; buku kas dan foto kegiatan dilihat.",
                user=manager,
            )


def demo_learning(community) -> None:
    programme, manager = community.programme, community.users["manajer"]
    periods = [
        services.period_create(
            programme=programme, label=label, starts_on=start, ends_on=end, user=manager
        )
        for label, start, end in PERIODS
    ]
    codes = list(community.villages)
    facilitators = {
        codes[0]: community.users["pendamping.girisekar"],
        codes[1]: community.users["pendamping.sidoharjo"],
    }
    stories = _stories(community, periods, facilitators)
    village_choices = _village_panels(community, periods, facilitators, stories)
    _programme_panels(community, periods, village_choices)
    _results(community, periods)
    _empowerment(community, facilitators)
    _graduation(community, facilitators)
    _rothman(community)
    _review(community, facilitators)


def _results(community, periods):
    """A logframe with computed indicators (refreshed from the demo's data) and manual ones."""
    from berdaya.learning.arithmetic import Value

    programme, manager = community.programme, community.users["manajer"]
    girisekar, sidoharjo = list(community.villages)
    node = services.result_node_create
    goal = node(
        programme=programme,
        level="goal",
        code="1",
        statement="Rumah tangga miskin di Girisekar dan Sidoharjo keluar dari kemiskinan "
        "dengan kekuatan sendiri.",
        user=manager,
    )
    voice = node(
        programme=programme,
        level="outcome",
        parent=goal,
        code="1.1",
        statement="Warga miskin, terutama perempuan, ikut memutuskan urusan desa.",
        user=manager,
    )
    groups = node(
        programme=programme,
        level="outcome",
        parent=goal,
        code="1.2",
        statement="Kelompok warga berjalan dan berkembang tanpa bergantung pada pendamping.",
        user=manager,
    )
    learning = node(
        programme=programme,
        level="output",
        parent=voice,
        code="1.1.1",
        statement="Cerita perubahan dikumpulkan, dipilih dan dikembalikan kepada pencerita.",
        user=manager,
    )
    training = node(
        programme=programme,
        level="output",
        parent=groups,
        code="1.2.1",
        statement="Anggota kelompok terlatih mengelola pembukuan dan usaha.",
        user=manager,
    )
    create = services.indicator_create
    computed = [
        create(
            node=goal,
            name="Persentase warga miskin multidimensi (H) Girisekar",
            kind="percent",
            direction="decrease",
            calculator="mpi_headcount",
            village_code=girisekar,
            means_of_verification=REGISTRY,
            user=manager,
        ),
        create(
            node=goal,
            name="Persentase warga miskin multidimensi (H) Sidoharjo",
            kind="percent",
            direction="decrease",
            calculator="mpi_headcount",
            village_code=sidoharjo,
            means_of_verification=REGISTRY,
            user=manager,
        ),
        create(
            node=voice,
            name="Perempuan di antara warga yang ikut memutuskan",
            kind="percent",
            direction="increase",
            calculator="women_deciders",
            means_of_verification="Daftar hadir kegiatan pendampingan",
            user=manager,
        ),
        create(
            node=groups,
            name="Kelompok yang matang atau mandiri",
            kind="percent",
            direction="increase",
            calculator="groups_maturing",
            means_of_verification="Penilaian kematangan kelompok",
            user=manager,
        ),
        create(
            node=learning,
            name="Cerita yang dikembalikan kepada penceritanya",
            kind="percent",
            direction="increase",
            calculator="stories_fed_back",
            means_of_verification="Catatan umpan balik MSC",
            user=manager,
        ),
    ]
    targets = {
        "mpi_headcount": [(60, 100), (55, 100), (50, 100), (45, 100)],
        "women_deciders": [(40, 100), (45, 100), (50, 100), (50, 100)],
        "groups_maturing": [(20, 100), (30, 100), (40, 100), (50, 100)],
        "stories_fed_back": [(50, 100), (70, 100), (80, 100), (90, 100)],
    }
    for indicator in computed:
        for period, (n, d) in zip(periods, targets[indicator.calculator], strict=True):
            services.target_set(indicator=indicator, period=period, value=Value(n, d), user=manager)
        for period in periods[:2]:
            services.indicator_refresh(indicator=indicator, period=period, user=manager)
    trained = create(
        node=training,
        name="Anggota kelompok miskin yang mengikuti pelatihan pembukuan",
        kind="count",
        direction="increase",
        unit="orang",
        baseline=Value(0),
        baseline_on=D(2025, 1, 6),
        means_of_verification="Daftar hadir pelatihan, sertifikat",
        disaggregations=["sex", "poverty", "village"],
        user=manager,
    )
    for period, n in zip(periods, (20, 45, 70, 90), strict=True):
        services.target_set(indicator=trained, period=period, value=Value(n), user=manager)
    services.actual_record(
        indicator=trained,
        period=periods[0],
        user=manager,
        total=Value(24),
        parts={
            "sex": {"P": Value(15), "L": Value(8)},
            "poverty": {"severe": Value(6), "poor": Value(12), "vulnerable": Value(4)},
            "village": {girisekar: Value(14), sidoharjo: Value(10)},
        },
        evidence="Daftar hadir pelatihan pembukuan Desember 2025 (dua angkatan)",
    )
    services.actual_record(
        indicator=trained,
        period=periods[1],
        user=manager,
        parts={
            "village": {girisekar: Value(26), sidoharjo: Value(17)},
            "sex": {"P": Value(28), "L": Value(15)},
        },
        evidence="Daftar hadir pelatihan Maret dan Mei 2026",
    )
    water = create(
        node=goal,
        name="Rumah tangga dengan penampungan air hujan (PAH) yang berfungsi",
        kind="percent",
        direction="increase",
        baseline=Value(31, 240),
        baseline_on=D(2025, 2, 15),
        means_of_verification="Cek lapangan oleh kelompok, foto PAH",
        disaggregations=["village"],
        user=manager,
    )
    for period, (n, d) in zip(periods, [(40, 100), (50, 100), (60, 100), (70, 100)], strict=True):
        services.target_set(indicator=water, period=period, value=Value(n, d), user=manager)
    services.actual_record(
        indicator=water,
        period=periods[1],
        user=manager,
        parts={"village": {girisekar: Value(58, 120), sidoharjo: Value(49, 120)}},
        evidence="Cek lapangan kelompok, Juni 2026",
    )


LAVERACK_SCORES = {
    # village: (2025 scores, 2026 scores), domains in Laverack's order
    "34.03.06.2002": ((2, 2, 2, 1, 2, 1, 2, 1, 1), (3, 3, 3, 2, 3, 2, 3, 2, 2)),
    "34.03.07.2003": ((2, 1, 1, 1, 2, 1, 1, 1, 1), (2, 2, 2, 2, 2, 2, 2, 1, 2)),
}
EVIDENCE = {
    "participation": "Daftar hadir musyawarah; berapa perempuan dan warga miskin yang bicara",
    "leadership": "Siapa yang memimpin pertemuan tanpa pendamping",
    "problem_assessment": "Warga menyusun sendiri daftar masalah dan prioritasnya",
    "asking_why": "Diskusi pohon masalah: sebab-sebab kekeringan dan utang",
    "structures": "Kelompok punya pengurus, aturan dan buku",
    "resources": "Iuran warga dan dana desa yang berhasil digalang",
    "links": "Hubungan dengan kalurahan, PPL, puskesmas",
    "outside_agents": "Pendamping makin jarang memimpin; warga yang mengundang",
    "management": "Warga ikut merencanakan dan menilai kegiatan program",
}


def _empowerment(community, facilitators):
    from berdaya.groups.models import Group

    programme = community.programme
    rubric = services.rubric_current(programme=programme)
    keys = list(rubric.domains.values_list("key", flat=True))
    for code, user in facilitators.items():
        for when, scores in zip(
            (D(2025, 11, 25), D(2026, 10, 20)), LAVERACK_SCORES[code], strict=True
        ):
            services.empowerment_assess(
                user=user,
                programme=programme,
                village_code=code,
                rubric=rubric,
                assessed_on=when,
                participants="Musyawarah dusun: 18 warga, 9 perempuan, dukuh, ketua kelompok",
                scores={k: (s, EVIDENCE[k]) for k, s in zip(keys, scores, strict=True)},
                notes="Dinilai bersama dengan kartu skor 1–5 di balai dusun.",
            )
        group = Group.objects.filter(programme=programme, village_id=code).order_by("pk").first()
        for when, bump in ((D(2025, 12, 5), 0), (D(2026, 10, 27), 1)):
            services.empowerment_assess(
                user=user,
                programme=programme,
                village_code=code,
                group=group,
                rubric=rubric,
                assessed_on=when,
                participants=f"Pengurus dan anggota {group.name}",
                scores={
                    k: (min(5, s + bump + 1), EVIDENCE[k])
                    for k, s in zip(keys, LAVERACK_SCORES[code][0], strict=True)
                },
            )


def _graduation(community, facilitators):
    """The BRAC household pathway; twelve households assessed, one graduated and visited."""
    from berdaya.registry.models import Household

    programme, manager = community.programme, community.users["manajer"]
    pathway = services.pathway_default_household(programme=programme, user=manager)
    asked = {"food": 100, "income": 50, "savings": 50, "family_planning": 100}
    rng = random.Random(5)
    first = None
    for code, user in facilitators.items():
        households = list(
            Household.objects.filter(organisation=community.organisation, village_id=code)
            .select_related("latest_survey")
            .prefetch_related("members")
            .order_by("pk")[:6]
        )
        for number, household in enumerate(households):
            scores = {
                key: (
                    rng.choice([value, 100, 0]) if number % 2 else value,
                    "Ditanyakan saat kunjungan",
                )
                for key, value in asked.items()
            }
            # Whatever the registry cannot answer is asked (school attendance not recorded...).
            for key in ("livestock", "sanitation", "water", "roof", "school", "child_marriage"):
                scores[key] = (100, "Dicek saat kunjungan rumah")
            assessment = services.graduation_assess(
                user=user,
                pathway=pathway,
                village_code=code,
                household=household,
                assessed_on=D(2026, 10, 1) + datetime.timedelta(days=3 * number),
                scores=scores,
                notes="Penilaian kesiapan lulus bersama keluarga.",
            )
            if first is None and not services.blocking(assessment):
                first = (assessment, user)
    if first is not None:
        assessment, user = first
        services.graduation_recommend(
            assessment=assessment,
            decision="graduate",
            reason="Semua kriteria wajib terpenuhi; keluarga punya tabungan dan dua sumber nafkah.",
            user=user,
        )
        services.graduation_approve(
            assessment=assessment, approved_on=D(2026, 10, 20), user=manager
        )
        services.post_exit_visit(
            assessment=assessment,
            visited_on=D(2026, 11, 25),
            status="holding",
            note="Usaha keripik jalan, anak-anak tetap sekolah, tabungan bertambah.",
            user=user,
        )


ROTHMAN_ANSWERS = {
    1: ["A"], 2: ["A"], 3: ["A"], 4: ["A"], 5: ["A"], 6: ["A"],
    7: ["A", "B"], 8: ["A"], 9: ["A"], 10: ["A"], 11: ["A"], 12: ["A", "C"],
}  # fmt: skip


def _rothman(community):
    services.rothman_answer(
        programme=community.programme,
        answered_on=D(2026, 10, 31),
        answers=ROTHMAN_ANSWERS,
        notes="Dijawab bersama tim program pada rapat refleksi tahunan.",
        user=community.users["manajer"],
    )


def _review(community, facilitators):
    from berdaya.learning.models import Indicator, Selection
    from berdaya.programmes.models import PlanRevision

    programme, manager = community.programme, community.users["manajer"]
    code, user = next(iter(facilitators.items()))
    chosen = [
        s.story
        for s in Selection.objects.filter(panel__programme=programme, story__village_id=code)
        .select_related("story")
        .order_by("pk")[:2]
    ]
    review = services.review_record(
        user=user,
        programme=programme,
        village_code=code,
        held_on=D(2026, 7, 10),
        what_worked="Kerja bakti PAH dan arisan yang menjadi simpan pinjam berjalan atas "
        "prakarsa warga.",
        what_failed="Pelatihan pembukuan bentrok dengan musim tanam; separuh peserta tidak "
        "datang. Pemetaan juga molor karena panen.",
        why="Jadwal ditentukan pendamping, bukan kelompok; kalender musim tidak dipakai.",
        what_changes="Jadwal kegiatan disusun bersama kelompok mengikuti kalender musim; "
        "tahap penguatan kelompok digeser.",
        stories=chosen,
        indicators=list(Indicator.objects.filter(programme=programme, kind="count")[:1]),
    )
    services.review_record(
        user=facilitators[list(facilitators)[1]],
        programme=programme,
        village_code=list(facilitators)[1],
        held_on=D(2026, 7, 17),
        what_worked="Kelompok tani mulai menyusun rencana sendiri.",
        what_failed="KUBE anyaman belum punya pasar; penjualan masih lewat pendamping.",
        why="Belum ada hubungan langsung dengan pedagang dan toko oleh-oleh.",
        what_changes="Pengurus KUBE sendiri yang menemui dua toko oleh-oleh di Wonosari.",
    )
    revision = PlanRevision.objects.filter(programme=programme).order_by("pk").first()
    if revision is not None:
        services.review_cite_in_revision(review=review, revision=revision, user=manager)
