"""The money pages: who may post, bad input in Indonesian, nothing half-written."""

from __future__ import annotations

from django.urls import reverse

from berdaya.groups.models import Group
from berdaya.savings import services
from berdaya.savings.models import Loan, Transaction

from .conftest import START, key


def test_the_meeting_page_refuses_bad_amounts_in_indonesian_and_posts_nothing(vsla, login):
    group, book, cycle, (a, b, *_rest) = vsla
    client = login("pendamping.girisekar")
    response = client.post(
        reverse("savings:meeting-new", args=[group.pk]), {"held_on": "2026-01-05"}
    )
    meeting = cycle.meetings.get()
    assert response.status_code == 302
    url = reverse("savings:meeting", args=[meeting.pk])
    response = client.post(url, {"key": key(), f"m{a.pk}-shares": "2", f"m{b.pk}-fine": "2,5"})
    assert response.status_code == 422
    assert "Rupiah bulat" in response.content.decode()
    assert not Transaction.objects.filter(book=book).exists()
    response = client.post(url, {"key": key(), f"m{a.pk}-shares": "2", f"m{a.pk}-loan": "999.000"})
    assert response.status_code == 422
    assert "melebihi batas kelompok" in response.content.decode()
    assert not Loan.objects.exists() or not Loan.objects.filter(cycle=cycle).exists()
    assert not Transaction.objects.filter(book=book).exists()
    response = client.post(url, {"key": "same", f"m{a.pk}-shares": "2", f"m{a.pk}-social": "on"})
    client.post(url, {"key": "same", f"m{a.pk}-shares": "2", f"m{a.pk}-social": "on"})
    assert Transaction.objects.filter(book=book).count() == 2  # the retry posted nothing
    page = client.get(url).content.decode()
    assert "Rp22.000" in page  # the box should hold 2 × 10,000 + 2,000


def test_a_viewer_sees_the_village_totals_but_cannot_open_a_group_s_books(vsla, login):
    group, _book, _cycle, _members = vsla
    viewer = login("pemantau")
    assert viewer.get(reverse("savings:group", args=[group.pk])).status_code == 404
    profile = viewer.get(reverse("areas:village-detail", args=["34.03.06.2002"]))
    assert profile.status_code == 200
    assert 'data-testid="money-sources"' in profile.content.decode()


def test_the_demo_pages_render(demo, login):
    client = login("manajer")
    arisan = Group.objects.get(name="Arisan Ibu-ibu Dusun Blimbing")
    page = client.get(reverse("savings:group", args=[arisan.pk]))
    assert page.status_code == 200 and 'data-testid="savings-chart"' in page.content.decode()
    assert (
        'data-testid="group-money"'
        in client.get(reverse("groups:detail", args=[arisan.pk])).content.decode()
    )
    kube = Group.objects.get(name="KUBE Ternak Kambing Maju Bersama").books.get()
    book_page = client.get(reverse("savings:book", args=[kube.pk])).content.decode()
    assert "Kambing betina" in book_page and 'data-testid="cash-book"' in book_page
    profile = client.get(reverse("areas:village-detail", args=["34.03.06.2002"])).content
    assert b'hx-get="/uang/desa/34.03.06.2002/sumber/"' in profile  # filled after loading
    sources = client.get(reverse("savings:village-sources", args=["34.03.06.2002"])).content
    assert b'data-testid="dependency-chart"' in sources
    programme = client.get(reverse("savings:programme", args=[demo.programme.pk]))
    assert b'data-testid="dependency-chart"' in programme.content
    member = arisan.members.filter(left_on__isnull=True).first()
    passbook = client.get(reverse("savings:passbook", args=[member.pk]))
    assert passbook.status_code == 200 and b"Pembelian saham" in passbook.content
    meeting = arisan.books.get().cycles.get().meetings.order_by("number").first()
    receipts = client.get(reverse("savings:receipts", args=[meeting.pk])).content.decode()
    assert receipts.count('data-testid="receipt"') >= 10


def test_receipts_fit_in_one_sms(vsla, manager):
    from berdaya.savings.selectors import receipt_text

    _group, _book, cycle, (a, *_rest) = vsla
    meeting = services.meeting_open(user=manager, cycle=cycle, held_on=START)
    services.meeting_record(
        user=manager,
        meeting=meeting,
        idempotency_key=key(),
        lines=[
            services.MemberLine(member=a, shares=5, social_fund=True, fine=5_000),
        ],
    )
    text = receipt_text(meeting=meeting, member=a)
    assert len(text) <= 160
    assert "saham 5" in text and "Tabungan Rp50.000" in text and "denda Rp5.000" in text
