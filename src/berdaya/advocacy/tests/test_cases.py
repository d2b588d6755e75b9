"""Advocacy cases from a gap, their actions and outcome (issue 14, seed 003)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from berdaya.advocacy.models import AdvocacyCase
from berdaya.advocacy.selectors import case_coverage, cases_of
from berdaya.advocacy.services import action_record, case_close, case_open, case_open_from_gap
from berdaya.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.usefixtures("english")
D = datetime.date


def test_the_demo_pkh_case_shows_coverage_before_and_after(demo):
    case = cases_of(demo.users["pemantau"], programme_id=demo.programme.pk).get(scheme="pkh")
    change = case_coverage(case)
    assert change.newly_enrolled == 3
    assert change.gap_closed == 3
    assert case.people_affected == change.gap_before > 0
    assert [a.kind for a in case.actions.all()] == ["audiensi", "letter"]
    assert case.actions.all()[0].poor_participants == 8


def _open(demo, **extra):
    code = next(iter(demo.villages))
    return case_open_from_gap(
        **{
            "user": demo.users["manajer"],
            "programme": demo.programme,
            "village_code": code,
            "scheme": "kis",
            "title": "Belum KIS",
            "demand": "Daftarkan PBI",
            "opened_on": D(2025, 8, 1),
            "target_name": "BPJS Kesehatan",
            **extra,
        }
    )


def test_a_gap_case_counts_from_the_registry_and_is_measured_again(demo):
    from berdaya.registry.figures import village_refresh

    code = next(iter(demo.villages))
    gap = village_refresh(organisation_id=demo.organisation.pk, village_code=code).figures[
        "coverage"
    ]
    scheme = next(c for c, row in gap.items() if row["poor_not_enrolled"])
    case = _open(demo, scheme=scheme)
    assert case.people_affected == gap[scheme]["poor_not_enrolled"]
    with pytest.raises(ValidationFailed, match="before its case opened"):
        action_record(
            user=demo.users["manajer"],
            case=case,
            kind="lapor",
            held_on=D(2025, 7, 1),
            poor_participants=1,
        )
    with pytest.raises(ValidationFailed, match="who took part"):
        action_record(
            user=demo.users["manajer"],
            case=case,
            kind="lapor",
            held_on=D(2025, 8, 2),
            poor_participants=0,
        )
    case_close(user=demo.users["manajer"], case=case, outcome="refused", on=D(2025, 9, 1))
    assert case_coverage(case).gap_closed == 0


def test_bad_input_and_who_may_open(demo):
    with pytest.raises(ValidationFailed, match="no such scheme"):
        _open(demo, scheme="nope")
    with pytest.raises(PermissionDenied):
        _open(demo, user=demo.users["pemantau"])
    with pytest.raises(ValidationFailed, match="how many households"):
        case_open(
            user=demo.users["manajer"],
            programme=demo.programme,
            village_code=next(iter(demo.villages)),
            kind="service_failure",
            title="Puskesmas tutup",
            demand="Buka tiap hari",
            people_affected=0,
            opened_on=D(2025, 8, 1),
            target_name="Dinas Kesehatan",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AdvocacyCase.objects.create(
            organisation=demo.organisation,
            programme=demo.programme,
            village_id=next(iter(demo.villages)),
            kind="coverage_gap",
            title="x",
            target_name="x",
            demand="x",
            people_affected=1,
            opened_on=D(2025, 1, 1),
        )


def test_a_facilitator_sees_only_cases_of_their_villages(demo):
    from berdaya.core.access import village_codes_for

    facilitator = demo.users["pendamping.girisekar"]
    own = village_codes_for(facilitator)
    other = next(code for code in demo.villages if code not in own)
    made = case_open(
        user=demo.users["manajer"],
        programme=demo.programme,
        village_code=other,
        kind="rights_violation",
        title="Pungutan liar",
        demand="Hentikan",
        people_affected=4,
        opened_on=D(2025, 8, 1),
        target_name="Ombudsman RI",
    )
    assert made not in cases_of(facilitator)
    assert made in cases_of(demo.users["pemantau"])
    with pytest.raises(PermissionDenied):
        action_record(
            user=facilitator, case=made, kind="letter", held_on=D(2025, 8, 2), poor_participants=2
        )


def test_the_programme_cases_page(login, demo):
    response = login("pemantau").get(f"/advokasi/program/{demo.programme.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Keluarga miskin belum menerima PKH" in body
    assert 'data-testid="coverage"' in body
