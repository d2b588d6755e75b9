"""The demo's advocacy case: poor households not enrolled in PKH in the first village,
a hearing and a letter to the Dinas Sosial, and the enrolments that followed, measured
again from the registry. Built through the advocacy and registry services."""

from __future__ import annotations

from datetime import date as D

from berdaya.advocacy.services import action_record, case_close, case_open_from_gap
from berdaya.partnerships.models import Stakeholder
from berdaya.registry import figures
from berdaya.registry.indicators import PovertyStatus
from berdaya.registry.models import Household
from berdaya.registry.services.households import household_enrol

ENROLLED_AFTER = 3


def demo_advocacy(community) -> None:
    user = community.users["manajer"]
    code = next(iter(community.villages))
    dinsos = Stakeholder.objects.get(
        organisation=community.organisation, name="Dinas Sosial Kabupaten Gunungkidul"
    )
    case = case_open_from_gap(
        user=user,
        programme=community.programme,
        village_code=code,
        scheme="pkh",
        title="Keluarga miskin belum menerima PKH",
        demand="Usulkan keluarga miskin yang belum menerima PKH ke DTSEN dan verifikasi ulang.",
        opened_on=D(2025, 6, 2),
        target=dinsos,
    )
    action_record(
        user=user,
        case=case,
        kind="audiensi",
        held_on=D(2025, 6, 20),
        poor_participants=8,
        other_participants=3,
        note="Audiensi di kantor Dinas Sosial bersama pemerintah kalurahan.",
    )
    action_record(
        user=user,
        case=case,
        kind="letter",
        held_on=D(2025, 7, 1),
        poor_participants=12,
        note="Surat usulan bersama daftar (dengan persetujuan) ke Dinas Sosial.",
    )
    village = Household.objects.filter(organisation=community.organisation, village_id=code)
    # The demo defers household figures to its end; the poor are read from them now.
    figures.households_refresh(village)
    not_enrolled = (
        village.filter(figures__poverty_status__in=PovertyStatus.POOR_OR_SEVERE)
        .exclude(enrolments__scheme__code="pkh", enrolments__until__isnull=True)
        .order_by("pk")[:ENROLLED_AFTER]
    )
    for household in not_enrolled:
        household_enrol(household=household, scheme_code="pkh", on=D(2025, 9, 1))
    case_close(
        user=user,
        case=case,
        outcome="enrolled",
        on=D(2025, 9, 15),
        note="Dinas Sosial memverifikasi usulan; keluarga terdaftar PKH tahap III.",
    )
