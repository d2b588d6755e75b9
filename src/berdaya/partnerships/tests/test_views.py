"""The partnership forms as their users meet them: each success, each refusal with the
form shown again (values kept), and who may write (issue 14)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from berdaya.accounts.testing import signed_in
from berdaya.partnerships.models import Agreement, Commitment, Contribution, Stakeholder
from berdaya.partnerships.selectors import may_write
from berdaya.savings.models import Book, Transaction

D = datetime.date
GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _client(demo, username):
    return signed_in(Client(), demo.users[username])


def _url(name, *args):
    return reverse(f"partnerships:{name}", args=args)


def _mou(demo):
    return Agreement.objects.get(programme=demo.programme, kind="mou")


def _agreement_post(demo, **changes):
    parties = [
        s.pk
        for s in Stakeholder.objects.filter(
            organisation=demo.organisation, name__startswith="Dinas Sosial"
        )
    ]
    data = {
        "kind": "pks",
        "title": "PKS Pendataan DTSEN",
        "scope": "Verifikasi usulan warga miskin",
        "parties": parties,
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "status": "active",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# -- who may write ---------------------------------------------------------------------


def test_the_one_rule_managers_everything_facilitators_their_villages(demo):
    programme = demo.programme
    assert may_write(demo.users["manajer"], programme)
    assert may_write(demo.users["admin"], programme, village_code=SIDOHARJO)
    facilitator = demo.users["pendamping.girisekar"]
    assert may_write(facilitator, programme, village_code=GIRISEKAR)
    assert not may_write(facilitator, programme, village_code=SIDOHARJO)
    assert not may_write(facilitator, programme)  # programme-wide: the managers'
    assert not may_write(demo.users["pemantau"], programme)
    assert not may_write(demo.users["pemantau"], programme, village_code=GIRISEKAR)


def test_a_viewer_reads_the_forms_pages_but_cannot_post(demo):
    client = _client(demo, "pemantau")
    page = client.get(_url("agreement-new", demo.programme.pk))
    assert page.status_code == 200
    assert b'data-testid="read-only"' in page.content
    assert b"<form method" not in page.content.split(b"<main")[-1]
    before = Agreement.objects.count()
    response = client.post(_url("agreement-new", demo.programme.pk), _agreement_post(demo))
    assert response.status_code == 403
    assert Agreement.objects.count() == before
    response = client.post(
        _url("stakeholder-new", demo.programme.pk),
        {"name": "Koperasi Maju", "sector": "market", "role": "partner", "village": GIRISEKAR},
    )
    assert response.status_code == 403
    assert not Stakeholder.objects.filter(name="Koperasi Maju").exists()


def test_a_facilitator_of_another_village_gets_404_for_another_organisations_agreement(demo):
    from berdaya.organisations.models import Organisation
    from berdaya.organisations.services import organisation_create
    from berdaya.programmes.services import programme_create

    other = organisation_create(name="CSR PT Lain", kind=Organisation.Kind.COMPANY)
    programme = programme_create(
        organisation=other,
        name="Program Lain",
        start_date=D(2025, 3, 1),
        planned_duration_months=36,
        village_codes=[SIDOHARJO],
    ).programme
    party = Stakeholder.objects.create(
        organisation=other, name="Dinas PU", sector="state", role="provider"
    )
    agreement = Agreement.objects.create(
        programme=programme,
        kind="pks",
        title="PKS",
        scope="x",
        starts_on=D(2025, 1, 1),
        ends_on=D(2025, 12, 1),
    )
    agreement.parties.set([party])
    client = _client(demo, "pendamping.girisekar")
    for url in (
        _url("agreement", agreement.pk),
        _url("commitment-new", agreement.pk),
        _url("agreement-document-upload", agreement.pk),
        _url("agreement-new", programme.pk),
    ):
        assert client.get(url).status_code == 404, url


# -- stakeholders ----------------------------------------------------------------------


def test_a_manager_registers_a_stakeholder_with_its_office_contact(demo):
    client = _client(demo, "manajer")
    response = client.post(
        _url("stakeholder-new", demo.programme.pk),
        {
            "name": "Koperasi  Tani Maju",
            "sector": "market",
            "role": "partner",
            "village": GIRISEKAR,
            "contact_office": "Kantor Koperasi",
            "contact_phone": "0274 391000",
        },
    )
    assert response.status_code == 302
    stakeholder = Stakeholder.objects.get(organisation=demo.organisation, name="Koperasi Tani Maju")
    link = stakeholder.links.get()
    assert (link.programme, link.village_id, link.contact_office) == (
        demo.programme,
        GIRISEKAR,
        "Kantor Koperasi",
    )
    assert stakeholder.created_by == demo.users["manajer"]


def test_a_facilitator_registers_in_their_village_but_not_programme_wide(demo):
    client = _client(demo, "pendamping.girisekar")
    url = _url("stakeholder-new", demo.programme.pk)
    data = {"name": "Kelompok Tani Ngudi Rejeki", "sector": "family_community", "role": "partner"}
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert b"Kelompok Tani Ngudi Rejeki" in refused.content  # what was typed is kept
    assert not Stakeholder.objects.filter(name=data["name"]).exists()
    page = client.get(url).content.decode()
    assert f'value="{SIDOHARJO}"' not in page and f'value="{GIRISEKAR}"' in page
    assert client.post(url, {**data, "village": GIRISEKAR}).status_code == 302
    assert Stakeholder.objects.get(name=data["name"]).links.get().village_id == GIRISEKAR


def test_registering_a_name_twice_is_refused_in_indonesian(demo):
    response = _client(demo, "manajer").post(
        _url("stakeholder-new", demo.programme.pk),
        {"name": "dinas sosial kabupaten gunungkidul", "sector": "state", "role": "regulator"},
    )
    assert response.status_code == 422
    assert "Pemangku kepentingan ini sudah terdaftar." in response.content.decode()


def test_a_registered_stakeholder_joins_a_village(demo):
    stakeholder = Stakeholder.objects.get(
        organisation=demo.organisation, name="BAZNAS Kabupaten Gunungkidul"
    )
    response = _client(demo, "manajer").post(
        _url("stakeholder-link", demo.programme.pk),
        {"stakeholder": stakeholder.pk, "village": SIDOHARJO, "contact_office": "UPZ Kapanewon"},
    )
    assert response.status_code == 302
    assert stakeholder.links.filter(village_id=SIDOHARJO, contact_office="UPZ Kapanewon").exists()


# -- agreements ------------------------------------------------------------------------


def test_a_manager_records_an_agreement_with_its_signed_pdf(demo):
    client = _client(demo, "manajer")
    data = _agreement_post(demo, document=SimpleUploadedFile("ttd.pdf", PDF))
    response = client.post(_url("agreement-new", demo.programme.pk), data)
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="PKS Pendataan DTSEN")
    assert response["Location"] == _url("agreement", agreement.pk)
    assert agreement.status == "active" and agreement.document.name.endswith(".pdf")
    download = client.get(_url("agreement-document", agreement.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"


def test_an_agreement_ending_before_it_starts_is_refused_and_the_form_kept(demo):
    response = _client(demo, "manajer").post(
        _url("agreement-new", demo.programme.pk),
        _agreement_post(demo, starts_on="2026-06-01", ends_on="2026-05-31"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Perjanjian tidak bisa berakhir sebelum dimulai." in page
    assert 'value="PKS Pendataan DTSEN"' in page and "Verifikasi usulan warga miskin" in page
    assert not Agreement.objects.filter(title="PKS Pendataan DTSEN").exists()


def test_an_agreement_without_its_kind_says_which_is_missing(demo):
    response = _client(demo, "manajer").post(
        _url("agreement-new", demo.programme.pk), _agreement_post(demo, kind=None)
    )
    assert response.status_code == 422
    assert "Pilih apakah ini MoU atau PKS." in response.content.decode()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("perjanjian.pdf", b"PK\x03\x04 a word document renamed"),
        SimpleUploadedFile("perjanjian.txt", b"just text"),
    ],
)
def test_a_document_that_is_not_a_pdf_or_photo_is_refused_by_its_content(demo, upload):
    response = _client(demo, "manajer").post(
        _url("agreement-new", demo.programme.pk), _agreement_post(demo, document=upload)
    )
    assert response.status_code == 422
    assert "Dokumen yang ditandatangani harus PDF, atau foto JPEG atau PNG." in (
        response.content.decode()
    )
    assert not Agreement.objects.filter(title="PKS Pendataan DTSEN").exists()


def test_a_document_over_the_limit_is_refused(demo, settings, tmp_path):
    settings.BERDAYA_MAX_ATTACHMENT_BYTES = 1_048_576
    big = SimpleUploadedFile("besar.pdf", PDF + b"0" * 1_200_000)
    response = _client(demo, "manajer").post(
        _url("agreement-document-upload", _mou(demo).pk), {"document": big}
    )
    assert response.status_code == 422
    assert "batasnya 1 MB." in response.content.decode()
    assert not _mou(demo).document


def test_the_signed_photo_is_uploaded_later_and_the_agreement_becomes_active(demo):
    mou = _mou(demo)
    Agreement.objects.filter(pk=mou.pk).update(status="draft")
    photo = SimpleUploadedFile("mou.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    response = _client(demo, "manajer").post(
        _url("agreement-document-upload", mou.pk), {"document": photo, "status": "active"}
    )
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.status == "active" and mou.document.name.endswith(".jpg")


def test_an_agreement_is_marked_ended_and_leaves_the_renewal_reminder(demo):
    mou = _mou(demo)
    client = _client(demo, "manajer")
    assert client.post(_url("agreement-status", mou.pk), {"status": "ended"}).status_code == 302
    mou.refresh_from_db()
    assert mou.status == "ended"
    refused = client.post(_url("agreement-status", mou.pk), {})
    assert refused.status_code == 422 and "Pilih statusnya." in refused.content.decode()
    viewer = _client(demo, "pemantau")
    assert viewer.post(_url("agreement-status", mou.pk), {"status": "active"}).status_code == 403


def test_uploading_without_a_file_says_so(demo):
    response = _client(demo, "manajer").post(_url("agreement-document-upload", _mou(demo).pk), {})
    assert response.status_code == 422
    assert "Pilih dokumen yang ditandatangani untuk diunggah." in response.content.decode()


# -- commitments -----------------------------------------------------------------------


def test_a_commitment_is_added_then_marked_met_jointly(demo):
    client = _client(demo, "manajer")
    mou = _mou(demo)
    ugm = mou.parties.get(name__startswith="Universitas")
    response = client.post(
        _url("commitment-new", mou.pk),
        {"party": ugm.pk, "description": "Mahasiswa KKN dua periode", "due_on": "2025-12-31"},
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(description="Mahasiswa KKN dua periode")
    assert not commitment.decided_jointly
    response = client.post(
        _url("commitment-met", commitment.pk), {"met_on": "2025-11-15", "jointly": "on"}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.met_on, commitment.met_jointly) == (D(2025, 11, 15), True)
    page = client.get(_url("agreement", mou.pk)).content.decode()
    assert "Mahasiswa KKN dua periode" in page
    summary = client.get(_url("map", demo.programme.pk)).context["summary"]
    assert summary.commitments_met_jointly == 1  # the demo marks none as met jointly


def test_the_map_lists_where_each_stakeholder_works_with_its_office(demo):
    page = _client(demo, "pemantau").get(_url("map", demo.programme.pk)).content.decode()
    links = page.split('data-testid="links"')[1]
    assert "Kantor Kalurahan" in links and "Bidang Pemberdayaan Sosial" in links
    assert "Girisekar" in links


def test_a_commitment_of_someone_not_a_party_is_refused(demo):
    outsider = Stakeholder.objects.get(
        organisation=demo.organisation, name="BAZNAS Kabupaten Gunungkidul"
    )
    response = _client(demo, "manajer").post(
        _url("commitment-new", _mou(demo).pk),
        {"party": outsider.pk, "description": "Zakat produktif", "due_on": "2025-12-31"},
    )
    assert response.status_code == 422  # not offered: only the agreement's parties are
    assert 'value="Zakat produktif"' in response.content.decode()


def test_a_commitment_cannot_be_met_in_the_future_or_before_the_agreement(demo):
    client = _client(demo, "manajer")
    commitment = _mou(demo).commitments.filter(met_on__isnull=True).first()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(_url("commitment-met", commitment.pk), {"met_on": tomorrow})
    assert response.status_code == 422
    assert "Komitmen tidak dapat dipenuhi di masa depan." in response.content.decode()
    response = client.post(_url("commitment-met", commitment.pk), {"met_on": "2024-01-01"})
    assert response.status_code == 422
    commitment.refresh_from_db()
    assert commitment.met_on is None


def test_a_facilitator_reads_an_agreement_but_does_not_add_commitments(demo):
    client = _client(demo, "pendamping.girisekar")
    mou = _mou(demo)
    assert b"Add a commitment" not in client.get(_url("agreement", mou.pk)).content
    page = client.get(_url("commitment-new", mou.pk))
    assert page.status_code == 200 and b'data-testid="read-only"' in page.content
    party = mou.parties.first()
    response = client.post(
        _url("commitment-new", mou.pk),
        {"party": party.pk, "description": "x", "due_on": "2025-12-31"},
    )
    assert response.status_code == 403


# -- contributions ---------------------------------------------------------------------


def _contribution(demo, **changes):
    bank = Stakeholder.objects.get(
        organisation=demo.organisation, name="CSR Bank Pembangunan Daerah"
    )
    book = Book.objects.get(programme=demo.programme, name="Dana Angkutan Hasil Panen")
    data = {
        "stakeholder": bank.pk,
        "kind": "cash",
        "value": "1500000",
        "purpose": "Ban baru pick-up",
        "given_on": "2026-03-10",
        "book": book.pk,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_cash_goes_into_the_ledger_as_money_from_outside(demo):
    response = _client(demo, "manajer").post(
        _url("contribution-new", demo.programme.pk), _contribution(demo)
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get(purpose="Ban baru pick-up")
    posted = contribution.transaction
    assert posted.origin == Transaction.Origin.EXTERNAL
    assert posted.inflow == 1_500_000 and posted.stakeholder_id == contribution.stakeholder_id


def test_staff_time_is_counted_in_hours(demo):
    client = _client(demo, "manajer")
    url = _url("contribution-new", demo.programme.pk)
    data = _contribution(demo, kind="staff", book=None, value="800000", purpose="Pelatihan KUBE")
    refused = client.post(url, data)
    assert refused.status_code == 422
    assert "Waktu staf dihitung dalam jam." in refused.content.decode()
    assert client.post(url, {**data, "hours": "16"}).status_code == 302
    assert Contribution.objects.get(purpose="Pelatihan KUBE").hours == 16


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "0"}, "Jumlah harus lebih dari Rp 0."),
        ({"value": "-5000"}, "Jumlah harus lebih dari Rp 0."),
        ({"value": "1500,50"}, "Jumlah dalam Rupiah bulat, tanpa desimal."),
        ({"kind": "in_kind", "value": "-1", "book": None}, "Jumlah harus lebih dari Rp 0."),
        ({"given_on": "2029-02-01"}, "Program sudah ditutup: berakhir pada"),
        ({"book": None}, "Uang tunai masuk ke buku kas program ini."),
        ({"kind": None}, "Pilih tunai, barang atau waktu staf."),
    ],
)
def test_bad_contributions_are_refused_in_indonesian_and_nothing_is_lost(demo, changes, message):
    before = (Contribution.objects.count(), Transaction.objects.count())
    response = _client(demo, "manajer").post(
        _url("contribution-new", demo.programme.pk), _contribution(demo, **changes)
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'value="Ban baru pick-up"' in page
    assert (Contribution.objects.count(), Transaction.objects.count()) == before


# -- the dashboard's renewal reminder --------------------------------------------------


def test_managers_see_agreements_due_for_renewal_on_the_dashboard(demo):
    from berdaya.partnerships.services import agreement_create

    today = timezone.localdate()
    agreement_create(
        user=demo.users["manajer"],
        programme=demo.programme,
        kind="pks",
        title="PKS Posyandu Lansia",
        scope="Layanan lansia",
        parties=list(_mou(demo).parties.all()[:1]),
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today + datetime.timedelta(days=45),
        status="active",
    )
    agreement_create(
        user=demo.users["manajer"],
        programme=demo.programme,
        kind="pks",
        title="PKS Jauh Berakhir",
        scope="Lain",
        parties=list(_mou(demo).parties.all()[:1]),
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today + datetime.timedelta(days=61),
        status="active",
    )
    page = _client(demo, "manajer").get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="dashboard-renewals"' in page
    assert "PKS Posyandu Lansia" in page and "PKS Jauh Berakhir" not in page
    for username in ("pendamping.girisekar", "pemantau"):
        page = _client(demo, username).get(reverse("core:dashboard")).content.decode()
        assert "PKS Posyandu Lansia" not in page
