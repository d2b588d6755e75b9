"""Agreements, commitments and contributions of the programme's partners (issue 14)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.partnerships.models import Agreement, Contribution, Stakeholder
from berdaya.partnerships.selectors import (
    agreements_due_for_renewal,
    partnership_summary,
    stakeholders_of,
)
from berdaya.partnerships.services import agreement_create, contribution_record
from berdaya.savings.models import Book
from berdaya.savings.selectors import money_sources

pytestmark = pytest.mark.usefixtures("english")
D = datetime.date


def _party(demo, sector="voluntary"):
    return Stakeholder.objects.filter(organisation=demo.organisation, sector=sector).first()


def test_the_demo_has_all_four_sectors_an_mou_and_contributions(demo):
    summary = partnership_summary(
        demo.users["pemantau"], programme_id=demo.programme.pk, today=D(2025, 12, 1)
    )
    by_sector = {row.sector: row for row in summary.sectors}
    assert all(by_sector[s].stakeholders >= 1 for s in Stakeholder.Sector.values)
    assert [a.kind for a in summary.agreements] == ["mou"]
    assert by_sector["market"].cash == 2_500_000
    assert by_sector["voluntary"].staff_time == 3_000_000 and by_sector["voluntary"].hours == 120
    assert by_sector["family_community"].in_kind == 1_200_000
    # Equality signals: of the two commitments due by 1 Dec 2025 one was met on time.
    assert (summary.commitments_due, summary.commitments_met_on_time) == (2, 1)
    assert summary.commitments_jointly_decided == 3
    village = next(iter(demo.villages))
    names = set(
        stakeholders_of(demo.users["pemantau"], village_code=village).values_list("name", flat=True)
    )
    assert {"Forum Warga Dusun Blimbing", "Dinas Sosial Kabupaten Gunungkidul"} <= names


def test_renewal_reminders_show_active_agreements_ending_soon(demo):
    assert [
        a.title for a in agreements_due_for_renewal(demo.users["manajer"], today=D(2026, 1, 15))
    ] == ["MoU Pemberdayaan Ekonomi Dusun Blimbing"]
    assert agreements_due_for_renewal(demo.users["manajer"], today=D(2025, 6, 1)) == []


def test_an_agreement_cannot_end_before_it_starts(demo):
    kwargs = dict(
        user=demo.users["manajer"],
        programme=demo.programme,
        kind="pks",
        title="PKS uji",
        scope="Uji",
        parties=[_party(demo)],
        starts_on=D(2025, 5, 1),
        ends_on=D(2025, 4, 30),
    )
    with pytest.raises(ValidationFailed, match="cannot end before it starts"):
        agreement_create(**kwargs)
    with pytest.raises(PermissionDenied):
        agreement_create(**{**kwargs, "user": demo.users["pemantau"], "ends_on": D(2025, 6, 1)})
    # The database refuses it too, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            programme=demo.programme,
            kind="pks",
            title="x",
            scope="x",
            starts_on=D(2025, 5, 1),
            ends_on=D(2025, 4, 30),
        )


def test_a_contribution_to_a_closed_programme_is_refused(demo):
    with pytest.raises(ValidationFailed, match="programme is closed"):
        contribution_record(
            user=demo.users["manajer"],
            programme=demo.programme,
            stakeholder=_party(demo),
            kind="in_kind",
            value=100_000,
            purpose="Buku",
            given_on=demo.programme.planned_end_date + datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationFailed, match="counted in hours"):
        contribution_record(
            user=demo.users["manajer"],
            programme=demo.programme,
            stakeholder=_party(demo),
            kind="staff",
            value=100_000,
            purpose="Pelatihan",
            given_on=D(2025, 6, 1),
        )
    with pytest.raises(ValidationFailed, match="book of this programme"):
        contribution_record(
            user=demo.users["manajer"],
            programme=demo.programme,
            stakeholder=_party(demo),
            kind="cash",
            value=100_000,
            purpose="Dana",
            given_on=D(2025, 6, 1),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Contribution.objects.create(
            programme=demo.programme,
            stakeholder=_party(demo),
            kind="cash",
            value=5,
            purpose="outside the ledger",
            given_on=D(2025, 6, 1),
        )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=5))
def test_the_sector_totals_add_up_to_the_contributions(demo, values):
    """Invariant: the map's total is the sum of the programme's contributions."""
    with transaction.atomic():
        for value in values:
            contribution_record(
                user=demo.users["manajer"],
                programme=demo.programme,
                stakeholder=_party(demo, "state"),
                kind="in_kind",
                value=value,
                purpose="Barang",
                given_on=D(2025, 7, 1),
            )
        summary = partnership_summary(
            demo.users["manajer"], programme_id=demo.programme.pk, today=D(2025, 7, 1)
        )
        expected = sum(
            Contribution.objects.filter(programme=demo.programme).values_list("value", flat=True)
        )
        assert summary.total == expected
        transaction.set_rollback(True)


@pytest.mark.postgres
# Committed for real (the ledger's balance trigger fires at commit); serialized so the flush
# afterwards leaves the content types to the next serialized test instead of re-creating them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cash_goes_into_the_ledger_once_with_its_giver(demo):
    book = Book.objects.get(programme=demo.programme, name="Dana Angkutan Hasil Panen")
    before = money_sources(programme=demo.programme.pk, year=2026)
    made = [
        contribution_record(
            user=demo.users["manajer"],
            programme=demo.programme,
            stakeholder=_party(demo, "market"),
            kind="cash",
            value=400_000,
            purpose="Ban pick-up",
            given_on=D(2026, 2, 1),
            book=book,
            idempotency_key="test-contribution-cash",
        )
        for _ in range(2)
    ]
    after = money_sources(programme=demo.programme.pk, year=2026)
    assert made[0].transaction_id == made[1].transaction_id is not None
    assert made[0].transaction.stakeholder.sector == "market"
    assert after.external_money - before.external_money == 400_000


def test_the_partnership_map_page(login, demo):
    response = login("pemantau").get(f"/kemitraan/program/{demo.programme.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "MoU Pemberdayaan Ekonomi Dusun Blimbing" in body
    assert "Forum Warga Dusun Blimbing" in body


def test_an_agreement_keeps_its_signed_document(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    made = agreement_create(
        user=demo.users["manajer"],
        programme=demo.programme,
        kind="pks",
        title="PKS Pelatihan",
        scope="Pelatihan pembukuan",
        parties=[_party(demo)],
        starts_on=D(2025, 5, 1),
        ends_on=D(2025, 5, 1),
        document=SimpleUploadedFile("pks.pdf", b"%PDF-1.4 test"),
    )
    assert made.document.name.startswith("agreements/") and made.document.read() == b"%PDF-1.4 test"
