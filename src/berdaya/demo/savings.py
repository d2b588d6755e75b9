"""The demo's fourth P: a savings group's year, a KUBE's books, a village's own funds.

Built through the savings services from a seeded Random, so every rule of the books
holds and the result is the same every time. In Girisekar:

* the women's arisan keeps its savings and loans in Berdaya: a cycle of eleven
  meetings (every 35 days, on Minggu Legi) from November 2025, with shares, the
  social fund, fines, loans and their repayments, one loan rescheduled;
* the goat-rearing KUBE: members' capital, a Dinas Sosial grant, goats bought and sold,
  feed, and the profit allocated;
* a transport fund and a village granary (lumbung), with money and rice in kind from
  inside the village and from outside, over 2025 and 2026 — outside help falls as the
  community's own contributions grow.
"""

from __future__ import annotations

import dataclasses
import datetime
import random

from berdaya.core.errors import ValidationFailed
from berdaya.groups.models import Group
from berdaya.partnerships.services import stakeholder_register
from berdaya.savings import services
from berdaya.savings.models import Loan

D = datetime.date
START = D(2025, 11, 2)
MEETINGS = 11


def demo_savings(community, *, seed: int = 2027) -> None:
    rng = random.Random(seed)
    user = community.users["manajer"]
    organisation = community.organisation
    code = next(iter(community.villages))
    givers = {
        name: stakeholder_register(
            user=user, organisation_id=organisation.pk, name=name, sector=sector, role=role
        )
        for name, sector, role in (
            ("Dinas Sosial Kabupaten Gunungkidul", "state", "funder"),
            ("BAZNAS Kabupaten Gunungkidul", "voluntary", "funder"),
            ("CSR Bank Pembangunan Daerah", "market", "funder"),
            ("Pemerintah Kalurahan Girisekar", "state", "regulator"),
        )
    }
    _arisan(rng, community, user)
    _kube(community, user, givers)
    _funds(community, user, givers, code)


def _arisan(rng, community, user) -> None:
    group = Group.objects.get(
        organisation=community.organisation, name="Arisan Ibu-ibu Dusun Blimbing"
    )
    book = services.book_open(user=user, group=group)
    rules = services.Rules(
        share_price=5_000,
        max_shares=5,
        social_fund_amount=1_000,
        social_fund_purposes="Anggota sakit, melahirkan, atau keluarga meninggal",
        loan_multiple=3,
        max_term_months=3,
        charge_method="flat",
        monthly_rate_bp=200,
        fine_absence=2_000,
        cycle_months=12,
    )
    cycle = services.cycle_start(
        user=user,
        book=book,
        started_on=START,
        rules=rules,
        reason="Musyawarah anggota November 2025",
    )
    members = list(
        group.members.filter(left_on__isnull=True).select_related("person").order_by("pk")
    )
    treasurer = next(m for m in members if m.role == "treasurer")
    habits = {m.pk: rng.choice([1, 2, 2, 3, 3, 4, 5]) for m in members}
    saved = dict.fromkeys(habits, 0)  # savings before this meeting's shares
    for number in range(MEETINGS):
        day = START + datetime.timedelta(days=35 * number)
        meeting = services.meeting_open(
            user=user, cycle=cycle, held_on=day, recorded_with=treasurer
        )
        loans = {loan.member_id: loan for loan in Loan.objects.filter(cycle=cycle, status="active")}
        lines = []
        for member in members:
            absent = rng.random() < 0.1
            attendance = (
                "absent" if absent else ("represented" if rng.random() < 0.08 else "present")
            )
            repayments = ()
            loan = loans.get(member.pk)
            if loan is not None and not absent:
                state = services.loan_state(loan)
                paying = 0 if rng.random() < 0.15 else min(state.owed, state.dues[0].amount)
                repayments = ((loan, paying),) if paying else ()
            new_loan = None
            savings = saved[member.pk]
            if (
                number >= 2
                and loan is None
                and not absent
                and savings >= 20_000
                and rng.random() < 0.3
            ):
                principal = min(3 * savings, 150_000) // 10_000 * 10_000
                new_loan = services.NewLoan(
                    principal=principal,
                    term_months=rng.choice([2, 3]),
                    purpose=rng.choice(
                        ["Modal warung", "Bibit jagung", "Biaya sekolah", "Pakan ternak"]
                    ),
                )
            lines.append(
                services.MemberLine(
                    member=member,
                    attendance=attendance,
                    shares=0
                    if absent
                    else max(1, min(5, habits[member.pk] + rng.choice([-1, 0, 0, 1]))),
                    social_fund=not absent,
                    fine=rules.fine_absence if absent else 0,
                    repayments=repayments,
                    new_loan=new_loan,
                )
            )
        try:
            services.meeting_record(
                user=user, meeting=meeting, lines=lines, idempotency_key=f"demo-arisan-{number}"
            )
        except ValidationFailed:  # a loan the box could not pay: the page without new loans
            lines = [dataclasses.replace(line, new_loan=None) for line in lines]
            services.meeting_record(
                user=user, meeting=meeting, lines=lines, idempotency_key=f"demo-arisan-{number}-b"
            )
        if number < MEETINGS - 1:
            totals = services.meeting_totals(meeting)
            counted = totals.expected_cash - (500 if number == 4 else 0)  # one short count
            services.meeting_close(user=user, meeting=meeting, counted_cash=counted)
    late = Loan.objects.filter(cycle=cycle, status="active").order_by("disbursed_on").first()
    if late is not None:
        services.loan_reschedule(
            user=user,
            loan=late,
            term_months=3,
            on=START + datetime.timedelta(days=35 * (MEETINGS - 1)),
            reason="Suami sakit, panen gagal; disepakati rapat anggota",
        )


def _kube(community, user, givers) -> None:
    group = Group.objects.get(
        organisation=community.organisation, name="KUBE Ternak Kambing Maju Bersama"
    )
    book = services.book_open(user=user, group=group, kind="kube")
    k = iter(range(1000))

    def key():
        return f"demo-kube-{next(k)}"

    services.kube_capital_add(
        user=user,
        book=book,
        amount=1_500_000,
        on=D(2026, 1, 20),
        origin="internal",
        memo="Iuran modal 10 anggota",
        idempotency_key=key(),
    )
    services.kube_capital_add(
        user=user,
        book=book,
        amount=10_000_000,
        on=D(2026, 2, 3),
        origin="external",
        aid="capacity",
        stakeholder=givers["Dinas Sosial Kabupaten Gunungkidul"],
        memo="Bantuan modal usaha KUBE (BLPS)",
        idempotency_key=key(),
    )
    services.kube_purchase(
        user=user,
        book=book,
        item="Kambing betina",
        unit="ekor",
        quantity=6,
        amount=9_000_000,
        on=D(2026, 2, 10),
        memo="Beli di pasar hewan Siyono",
        idempotency_key=key(),
    )
    services.kube_purchase(
        user=user,
        book=book,
        item="Pakan konsentrat",
        unit="karung",
        quantity=20,
        amount=1_600_000,
        on=D(2026, 2, 12),
        memo="Pakan 3 bulan",
        idempotency_key=key(),
    )
    services.kube_expense(
        user=user,
        book=book,
        amount=350_000,
        on=D(2026, 3, 1),
        memo="Obat cacing dan vitamin",
        idempotency_key=key(),
    )
    services.kube_sale(
        user=user,
        book=book,
        item="Kambing betina",
        quantity=2,
        amount=4_400_000,
        on=D(2026, 6, 15),
        memo="Jual menjelang Iduladha",
        idempotency_key=key(),
    )
    services.kube_sale(
        user=user,
        book=book,
        item="Pakan konsentrat",
        quantity=4,
        amount=380_000,
        on=D(2026, 6, 20),
        memo="Jual ke anggota",
        idempotency_key=key(),
    )
    services.kube_expense(
        user=user,
        book=book,
        amount=150_000,
        on=D(2026, 7, 1),
        memo="Perbaikan kandang",
        idempotency_key=key(),
    )
    services.kube_profit_allocate(
        user=user,
        book=book,
        on=D(2026, 7, 5),
        reserve_percent=40,
        members_percent=50,
        social_percent=10,
        idempotency_key=key(),
    )


def _funds(community, user, givers, code) -> None:
    transport = services.fund_create(
        user=user,
        organisation_id=community.organisation.pk,
        village_code=code,
        name="Dana Angkutan Hasil Panen",
        purpose="transport",
        managed_by="Pengurus dusun Blimbing",
        programme=community.programme,
    )
    lumbung = services.fund_create(
        user=user,
        organisation_id=community.organisation.pk,
        village_code=code,
        name="Lumbung Pangan Dusun Blimbing",
        purpose="lumbung",
        managed_by="Kelompok Wanita Tani Sekar Melati",
        programme=community.programme,
    )
    k = iter(range(1000))

    def key():
        return f"demo-fund-{next(k)}"

    # 2025: mostly from outside, after the dry season.
    services.fund_inflow(
        user=user,
        book=transport,
        on=D(2025, 9, 10),
        origin="external",
        stakeholder=givers["CSR Bank Pembangunan Daerah"],
        aid="capacity",
        amount=6_000_000,
        memo="Bantuan awal pick-up bersama",
        idempotency_key=key(),
    )
    services.fund_inflow(
        user=user,
        book=transport,
        on=D(2025, 10, 5),
        origin="internal",
        amount=750_000,
        memo="Iuran 50 KK",
        idempotency_key=key(),
    )
    services.fund_inflow(
        user=user,
        book=lumbung,
        on=D(2025, 10, 20),
        origin="external",
        stakeholder=givers["BAZNAS Kabupaten Gunungkidul"],
        aid="direct",
        amount=2_400_000,
        item="Beras",
        unit="kg",
        quantity=200,
        memo="Bantuan pangan kemarau panjang",
        idempotency_key=key(),
    )
    services.fund_inflow(
        user=user,
        book=lumbung,
        on=D(2025, 12, 1),
        origin="internal",
        amount=1_200_000,
        item="Beras",
        quantity=100,
        memo="Jimpitan beras warga",
        idempotency_key=key(),
    )
    # 2026: the community's own money grows.
    for month in range(1, 10):
        services.fund_inflow(
            user=user,
            book=transport,
            on=D(2026, month, 5),
            origin="internal",
            amount=450_000 + 25_000 * month,
            memo="Iuran angkutan bulanan",
            idempotency_key=key(),
        )
    services.fund_inflow(
        user=user,
        book=transport,
        on=D(2026, 3, 15),
        origin="external",
        stakeholder=givers["Pemerintah Kalurahan Girisekar"],
        aid="capacity",
        amount=1_500_000,
        memo="Pelatihan pengelolaan dana bersama",
        idempotency_key=key(),
    )
    services.fund_inflow(
        user=user,
        book=lumbung,
        on=D(2026, 4, 20),
        origin="internal",
        amount=3_600_000,
        item="Gabah",
        unit="kg",
        quantity=600,
        memo="Setoran gabah panen raya (gotong royong)",
        idempotency_key=key(),
    )
    services.fund_outflow(
        user=user,
        book=lumbung,
        on=D(2026, 1, 10),
        item="Beras",
        quantity=80,
        amount=0,
        memo="Pinjaman beras untuk 8 keluarga",
        idempotency_key=key(),
    )
    services.asset_acquire(
        user=user,
        book=transport,
        name="Pick-up bekas (bersama)",
        value=5_500_000,
        on=D(2026, 2, 1),
        managed_by="Pak Rejo (sopir)",
        idempotency_key=key(),
    )
