"""KUBE books and community funds: capital by source, stock at cost, profit allocated."""

from __future__ import annotations

import datetime
import io

import pytest

from berdaya.core.errors import ValidationFailed
from berdaya.groups.models import Group
from berdaya.partnerships.services import stakeholder_register
from berdaya.savings import selectors, services

from .conftest import key

pytestmark = pytest.mark.usefixtures("english")
D = datetime.date


@pytest.fixture
def kube(demo, manager):
    group = Group.objects.get(name="KUBE Anyaman Pandan Lestari")
    return services.book_open(user=manager, group=group, kind="kube")


def test_a_kube_year_in_its_books(demo, manager, kube):
    dinsos = stakeholder_register(
        user=manager,
        organisation_id=demo.organisation.pk,
        name="Dinas Sosial Uji",
        sector="state",
        role="funder",
    )
    post = dict(user=manager, book=kube)
    services.kube_capital_add(
        **post,
        amount=1_000_000,
        on=D(2026, 2, 1),
        origin="internal",
        memo="Iuran",
        idempotency_key=key(),
    )
    with pytest.raises(ValidationFailed, match="names who gave it"):
        services.kube_capital_add(
            **post,
            amount=5_000_000,
            on=D(2026, 2, 2),
            origin="external",
            memo="Hibah",
            idempotency_key=key(),
        )
    services.kube_capital_add(
        **post,
        amount=5_000_000,
        on=D(2026, 2, 2),
        origin="external",
        stakeholder=dinsos,
        aid="capacity",
        memo="Hibah",
        idempotency_key=key(),
    )
    services.kube_purchase(
        **post,
        item="Pandan kering",
        unit="ikat",
        quantity=100,
        amount=2_000_000,
        on=D(2026, 2, 5),
        memo="Bahan",
        idempotency_key=key(),
    )
    with pytest.raises(ValidationFailed, match="Only 100 ikat in stock"):
        services.kube_sale(
            **post,
            item="Pandan kering",
            quantity=101,
            amount=1,
            on=D(2026, 3, 1),
            memo="x",
            idempotency_key=key(),
        )
    services.kube_sale(
        **post,
        item="pandan KERING",
        quantity=30,
        amount=1_500_000,
        on=D(2026, 3, 1),
        memo="Tikar",
        idempotency_key=key(),
    )
    services.kube_expense(
        **post, amount=100_000, on=D(2026, 3, 2), memo="Transport", idempotency_key=key()
    )
    # Cost of the 30 bundles sold: 2,000,000 × 30 / 100 = 600,000.
    assert services.account(kube, "cost_of_sales").normal_balance == 600_000
    assert services.account(kube, "inventory").normal_balance == 1_400_000
    assert [(i.name, q) for i, q in selectors.stock_of(kube)] == [("Pandan kering", 70)]
    assert services.kube_profit(kube) == 1_500_000 - 600_000 - 100_000
    with pytest.raises(ValidationFailed, match="add up to 100"):
        services.kube_profit_allocate(
            **post,
            on=D(2026, 3, 31),
            reserve_percent=50,
            members_percent=40,
            social_percent=5,
            idempotency_key=key(),
        )
    services.kube_profit_allocate(
        **post,
        on=D(2026, 3, 31),
        reserve_percent=40,
        members_percent=50,
        social_percent=10,
        idempotency_key=key(),
    )
    assert services.account(kube, "reserve").normal_balance == 320_000
    assert services.account(kube, "members_payable").normal_balance == 400_000
    assert services.account(kube, "social").normal_balance == 80_000
    assert services.kube_profit(kube) == 0
    sources = selectors.money_sources(books=[kube])
    # Inside: 1,000,000 members' capital + the 900,000 margin on the sale.
    assert (sources.internal_money, sources.external_money) == (1_900_000, 5_000_000)


def test_a_lumbung_takes_rice_in_kind_and_gives_it_out_at_its_value(demo, manager):
    lumbung = services.fund_create(
        user=manager,
        organisation_id=demo.organisation.pk,
        village_code="34.03.06.2002",
        name="Lumbung Uji",
        purpose="lumbung",
        managed_by="KWT",
    )
    services.fund_inflow(
        user=manager,
        book=lumbung,
        on=D(2026, 4, 1),
        origin="internal",
        amount=1_200_000,
        item="Beras",
        unit="kg",
        quantity=100,
        memo="Jimpitan",
        idempotency_key=key(),
    )
    services.fund_outflow(
        user=manager,
        book=lumbung,
        on=D(2026, 5, 1),
        item="Beras",
        quantity=25,
        amount=0,
        memo="Pinjam beras",
        idempotency_key=key(),
    )
    assert services.account(lumbung, "goods").normal_balance == 900_000
    assert [(i.name, q) for i, q in selectors.stock_of(lumbung)] == [("Beras", 75)]
    with pytest.raises(ValidationFailed, match="Say from whom"):
        services.fund_inflow(
            user=manager,
            book=lumbung,
            on=D(2026, 4, 1),
            origin="internal",
            amount=1,
            memo=" ",
            idempotency_key=key(),
        )


def test_the_xlsx_export_keeps_formulas_as_text(vsla, manager, login):
    from openpyxl import load_workbook

    group, _book, cycle, (a, *_rest) = vsla
    meeting = services.meeting_open(user=manager, cycle=cycle, held_on=D(2026, 1, 5))
    services.fine_charge(
        user=manager,
        meeting=meeting,
        member=a,
        amount=1000,
        memo='=HYPERLINK("http://x","klik")',
        idempotency_key=key(),
    )
    response = login("manajer").get(f"/uang/kelompok/{group.pk}/ekspor/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    journal = workbook.worksheets[1]  # the journal (sheet names are translated)
    memos = [row[3].value for row in journal.iter_rows(min_row=2)]
    assert '=HYPERLINK("http://x","klik")' in memos
    cell = next(row[3] for row in journal.iter_rows(min_row=2) if row[3].value == memos[0])
    assert cell.data_type == "s"  # text, not a live formula
