"""The demo's partnerships: stakeholders of all four sectors working in the programme,
an MoU with each party's commitments, and contributions in cash, in kind and staff time.

Built through the partnerships services after `demo_savings` (which registered the
givers); the cash goes into the transport fund through the savings ledger.
"""

from __future__ import annotations

from datetime import date as D

from berdaya.partnerships.models import Stakeholder
from berdaya.partnerships.services import (
    agreement_create,
    commitment_add,
    commitment_mark_met,
    contribution_record,
    stakeholder_link,
    stakeholder_register,
)
from berdaya.savings.models import Book


def demo_partnerships(community) -> None:
    user = community.users["manajer"]
    programme = community.programme
    organisation = community.organisation
    for name, sector, role in (
        ("Forum Warga Dusun Blimbing", "family_community", "partner"),
        ("Universitas Gadjah Mada – KKN", "voluntary", "provider"),
    ):
        stakeholder_register(
            user=user, organisation_id=organisation.pk, name=name, sector=sector, role=role
        )
    by_name = {s.name: s for s in Stakeholder.objects.filter(organisation=organisation)}
    village = next(iter(community.villages.values()))
    for name, office in (
        ("Dinas Sosial Kabupaten Gunungkidul", "Bidang Pemberdayaan Sosial"),
        ("CSR Bank Pembangunan Daerah", "Unit CSR Kantor Cabang Wonosari"),
        ("BAZNAS Kabupaten Gunungkidul", "Bidang Pendistribusian"),
        ("Universitas Gadjah Mada – KKN", "Direktorat Pengabdian kepada Masyarakat"),
    ):
        stakeholder_link(
            user=user, stakeholder=by_name[name], programme=programme, contact_office=office
        )
    stakeholder_link(
        user=user,
        stakeholder=by_name["Forum Warga Dusun Blimbing"],
        programme=programme,
        village=village,
    )
    stakeholder_link(
        user=user,
        stakeholder=by_name["Pemerintah Kalurahan Girisekar"],
        programme=programme,
        village=village,
        contact_office="Kantor Kalurahan",
    )
    parties = [
        by_name["Dinas Sosial Kabupaten Gunungkidul"],
        by_name["CSR Bank Pembangunan Daerah"],
        by_name["Forum Warga Dusun Blimbing"],
        by_name["Universitas Gadjah Mada – KKN"],
    ]
    mou = agreement_create(
        user=user,
        programme=programme,
        kind="mou",
        title="MoU Pemberdayaan Ekonomi Dusun Blimbing",
        scope="Angkutan hasil panen bersama, pendampingan KUBE dan pemutakhiran data DTSEN.",
        parties=parties,
        starts_on=D(2025, 3, 1),
        ends_on=D(2026, 2, 28),
        status="active",
    )
    dinsos, bank, forum, ugm = parties
    kept = commitment_add(
        user=user,
        agreement=mou,
        party=bank,
        description="Dana awal pick-up bersama",
        due_on=D(2025, 9, 30),
        decided_jointly=True,
    )
    commitment_mark_met(user=user, commitment=kept, met_on=D(2025, 9, 10))
    commitment_add(
        user=user,
        agreement=mou,
        party=dinsos,
        description="Verifikasi usulan DTSEN dalam 30 hari",
        due_on=D(2025, 11, 30),
        decided_jointly=True,
    )
    commitment_add(
        user=user,
        agreement=mou,
        party=forum,
        description="Musyawarah dusun tiap bulan tentang dana angkutan",
        due_on=D(2025, 12, 31),
        decided_jointly=True,
    )
    transport = Book.objects.get(programme=programme, name="Dana Angkutan Hasil Panen")
    contribution_record(
        user=user,
        programme=programme,
        stakeholder=bank,
        agreement=mou,
        kind="cash",
        value=2_500_000,
        purpose="Perawatan pick-up bersama",
        given_on=D(2025, 11, 3),
        book=transport,
        idempotency_key="demo-contribution-bank",
    )
    contribution_record(
        user=user,
        programme=programme,
        stakeholder=ugm,
        agreement=mou,
        kind="staff",
        value=3_000_000,
        hours=120,
        purpose="Pendampingan pembukuan KUBE oleh mahasiswa KKN",
        given_on=D(2025, 8, 15),
    )
    contribution_record(
        user=user,
        programme=programme,
        stakeholder=forum,
        agreement=mou,
        kind="in_kind",
        value=1_200_000,
        purpose="Gudang dusun dipinjamkan untuk hasil panen",
        given_on=D(2025, 10, 1),
    )
