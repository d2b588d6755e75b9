"""The services behind the partnership forms: who may write, the signed document's type
by content, registering and linking in one step, commitments met jointly (issue 14)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.partnerships.models import Agreement, Stakeholder
from berdaya.partnerships.services import (
    _check_document,
    agreement_create,
    agreement_document_attach,
    commitment_mark_met,
    contribution_record,
    stakeholder_join,
)

pytestmark = pytest.mark.usefixtures("english")
D = datetime.date
GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _mou(demo):
    return Agreement.objects.get(programme=demo.programme, kind="mou")


def test_a_facilitator_joins_a_stakeholder_in_their_village_only(demo):
    facilitator = demo.users["pendamping.girisekar"]
    link = stakeholder_join(
        user=facilitator,
        programme=demo.programme,
        name="BUMKal Girisekar",
        sector="market",
        role="partner",
        village=demo.villages[GIRISEKAR],
        contact_office="Kantor BUMKal",
    )
    assert (link.stakeholder.sector, link.village_id) == ("market", GIRISEKAR)
    with pytest.raises(PermissionDenied):
        stakeholder_join(
            user=facilitator,
            programme=demo.programme,
            name="BUMKal Sidoharjo",
            sector="market",
            role="partner",
            village=demo.villages[SIDOHARJO],
        )
    assert not Stakeholder.objects.filter(name="BUMKal Sidoharjo").exists()


def test_a_refused_link_registers_nothing(demo):
    """Registering and linking are one transaction: a bad village leaves no stakeholder."""
    from berdaya.areas.models import Village

    elsewhere = Village.objects.exclude(code__in=demo.villages).first()
    with pytest.raises((ValidationFailed, PermissionDenied)):
        stakeholder_join(
            user=demo.users["manajer"],
            programme=demo.programme,
            name="Koperasi Luar",
            sector="market",
            role="partner",
            village=elsewhere,
        )
    assert not Stakeholder.objects.filter(name="Koperasi Luar").exists()


@pytest.mark.parametrize("username", ["pendamping.girisekar", "pemantau"])
def test_programme_wide_records_are_the_managers(demo, username):
    user = demo.users[username]
    mou = _mou(demo)
    party = mou.parties.first()
    with pytest.raises(PermissionDenied):
        agreement_create(
            user=user,
            programme=demo.programme,
            kind="pks",
            title="PKS",
            scope="x",
            parties=[party],
            starts_on=D(2026, 1, 1),
            ends_on=D(2026, 12, 31),
        )
    with pytest.raises(PermissionDenied):
        commitment_mark_met(user=user, commitment=mou.commitments.first(), met_on=D(2025, 9, 1))
    with pytest.raises(PermissionDenied):
        contribution_record(
            user=user,
            programme=demo.programme,
            stakeholder=party,
            kind="in_kind",
            value=100_000,
            purpose="Kursi",
            given_on=D(2026, 1, 1),
        )


def test_a_commitment_met_jointly_is_kept_apart_from_how_it_was_decided(demo):
    commitment = _mou(demo).commitments.filter(met_on__isnull=True).first()
    decided = commitment.decided_jointly
    commitment_mark_met(
        user=demo.users["manajer"],
        commitment=commitment,
        met_on=D(2025, 11, 20),
        jointly=True,
        today=D(2025, 12, 1),
    )
    commitment.refresh_from_db()
    assert (commitment.met_on, commitment.met_jointly, commitment.decided_jointly) == (
        D(2025, 11, 20),
        True,
        decided,
    )
    with pytest.raises(ValidationFailed, match="in the future"):
        commitment_mark_met(
            user=demo.users["manajer"],
            commitment=commitment,
            met_on=D(2025, 12, 2),
            today=D(2025, 12, 1),
        )


def test_the_signed_document_is_stored_under_a_name_of_our_own(demo):
    scan = SimpleUploadedFile("../../etc/passwd.pdf", b"%PDF-1.7\n" + b"x" * 32)
    agreement = agreement_document_attach(
        user=demo.users["manajer"], agreement=_mou(demo), document=scan, status="active"
    )
    assert agreement.document.name.startswith(f"agreements/agreement-{agreement.pk}")
    assert agreement.document.name.endswith(".pdf") and "passwd" not in agreement.document.name
    with pytest.raises(ValidationFailed, match="Choose the signed document"):
        agreement_document_attach(user=demo.users["manajer"], agreement=_mou(demo), document=None)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(min_size=0, max_size=40))
def test_a_document_is_accepted_exactly_when_its_first_bytes_say_pdf_jpeg_or_png(content):
    upload = SimpleUploadedFile("any.pdf", content)
    if content.startswith(SIGNATURES):
        assert _check_document(upload) in {".pdf", ".jpg", ".png"}
    else:
        with pytest.raises(ValidationFailed, match="must be a PDF"):
            _check_document(upload)
