"""The advocacy forms and the named list of a coverage-gap case (issue 14): success, each
refusal with the form kept, who may write, and names only by consent, logged."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from berdaya.accounts.testing import signed_in
from berdaya.advocacy.models import AdvocacyAction, AdvocacyCase
from berdaya.advocacy.selectors import affected_households
from berdaya.advocacy.services import case_open
from berdaya.core.models import PersonalDataAccess
from berdaya.registry.models import Consent
from berdaya.registry.services import consent_record, consent_withdraw

D = datetime.date
GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"


def _client(demo, username):
    return signed_in(Client(), demo.users[username])


def _url(name, *args):
    return reverse(f"advocacy:{name}", args=args)


def _gap(demo, code=GIRISEKAR):
    from berdaya.registry.figures import village_refresh

    row = village_refresh(organisation_id=demo.organisation.pk, village_code=code)
    return row.figures["coverage"]


def _open_case(demo, code, **extra):
    return case_open(
        **{
            "user": demo.users["manajer"],
            "programme": demo.programme,
            "village_code": code,
            "kind": "service_failure",
            "title": "Puskesmas pembantu tutup",
            "demand": "Buka setiap hari kerja",
            "people_affected": 40,
            "opened_on": D(2025, 8, 1),
            "target_name": "Dinas Kesehatan",
            **extra,
        }
    )


def _pkh_case(demo):
    return AdvocacyCase.objects.get(programme=demo.programme, scheme="pkh")


# -- opening cases ---------------------------------------------------------------------


def test_the_gap_form_shows_each_schemes_gap_and_opens_a_case_with_that_count(demo):
    gap = _gap(demo)
    scheme = next(code for code, row in gap.items() if code != "pkh" and row["poor_not_enrolled"])
    client = _client(demo, "pendamping.girisekar")
    page = client.get(_url("case-new-gap", demo.programme.pk)).content.decode()
    cell = f'data-testid="gap-{GIRISEKAR}-{scheme}">{gap[scheme]["poor_not_enrolled"]}<'
    assert cell in page
    response = client.post(
        _url("case-new-gap", demo.programme.pk),
        {
            "village": GIRISEKAR,
            "scheme": scheme,
            "title": "Warga miskin belum terdaftar",
            "demand": "Usulkan ke DTSEN",
            "target_name": "Dinas Sosial",
            "opened_on": "2026-01-05",
        },
    )
    assert response.status_code == 302
    case = AdvocacyCase.objects.get(title="Warga miskin belum terdaftar")
    assert case.people_affected == gap[scheme]["poor_not_enrolled"]
    assert case.created_by == demo.users["pendamping.girisekar"]


def test_a_gap_case_without_a_target_is_refused_and_the_form_kept(demo):
    response = _client(demo, "manajer").post(
        _url("case-new-gap", demo.programme.pk),
        {
            "village": GIRISEKAR,
            "scheme": "pkh",
            "title": "Belum PKH",
            "demand": "Usulkan",
            "opened_on": "2026-01-05",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Sebutkan lembaga yang menjadi sasaran tuntutan." in page
    assert 'value="Belum PKH"' in page


def test_a_service_failure_case_needs_at_least_one_household(demo):
    client = _client(demo, "manajer")
    data = {
        "kind": "service_failure",
        "village": SIDOHARJO,
        "title": "Air PAM mati",
        "demand": "Perbaiki pipa",
        "people_affected": "0",
        "target_name": "PDAM",
        "opened_on": "2026-01-05",
    }
    refused = client.post(_url("case-new", demo.programme.pk), data)
    assert refused.status_code == 422
    assert "Sebutkan berapa rumah tangga yang terdampak (paling sedikit satu)." in (
        refused.content.decode()
    )
    assert 'value="Air PAM mati"' in refused.content.decode()
    assert client.post(_url("case-new", demo.programme.pk), {**data, "people_affected": "25"})[
        "Location"
    ].startswith("/advokasi/kasus/")


def test_a_facilitator_opens_cases_only_in_their_village(demo):
    client = _client(demo, "pendamping.girisekar")
    page = client.get(_url("case-new", demo.programme.pk)).content.decode()
    assert f'value="{SIDOHARJO}"' not in page
    response = client.post(
        _url("case-new", demo.programme.pk),
        {
            "kind": "rights_violation",
            "village": SIDOHARJO,
            "title": "Pungutan liar",
            "demand": "Hentikan",
            "people_affected": "5",
            "target_name": "Kapanewon",
            "opened_on": "2026-01-05",
        },
    )
    assert response.status_code == 422
    assert not AdvocacyCase.objects.filter(title="Pungutan liar").exists()


def test_a_viewer_reads_cases_but_cannot_open_or_act(demo):
    client = _client(demo, "pemantau")
    case = _pkh_case(demo)
    assert client.get(_url("case", case.pk)).status_code == 200
    page = client.get(_url("case-new", demo.programme.pk))
    assert page.status_code == 200 and b'data-testid="read-only"' in page.content
    assert client.post(_url("case-new", demo.programme.pk), {}).status_code == 403
    assert client.post(_url("action-new", case.pk), {}).status_code == 403


def test_a_facilitator_of_another_village_gets_404_for_its_cases(demo):
    case = _open_case(demo, SIDOHARJO)
    client = _client(demo, "pendamping.girisekar")
    for name in ("case", "action-new", "case-close", "case-households"):
        assert client.get(_url(name, case.pk)).status_code == 404, name
        assert client.post(_url(name, case.pk), {}).status_code in (404, 405), name


# -- actions and outcome ---------------------------------------------------------------


def test_an_action_is_recorded_with_poor_households_first(demo):
    case = _open_case(demo, GIRISEKAR)
    response = _client(demo, "pendamping.girisekar").post(
        _url("action-new", case.pk),
        {
            "kind": "dialogue",
            "held_on": "2025-08-20",
            "poor_participants": "14",
            "other_participants": "6",
            "note": "Dialog di balai kalurahan",
        },
    )
    assert response.status_code == 302
    action = AdvocacyAction.objects.get(case=case)
    assert (action.kind, action.poor_participants, action.other_participants) == (
        "dialogue",
        14,
        6,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"poor_participants": "-1"}, "Jumlah tidak boleh negatif."),
        ({"poor_participants": "0", "other_participants": "0"}, "Sebutkan siapa yang ikut."),
        ({"held_on": "2025-07-01"}, "Aksi tidak bisa terjadi sebelum kasusnya dibuka."),
        ({"kind": ""}, "Pilih jenis aksi."),
    ],
)
def test_bad_actions_are_refused_in_indonesian_and_the_form_kept(demo, changes, message):
    case = _open_case(demo, GIRISEKAR)
    data = {
        "kind": "letter",
        "held_on": "2025-08-20",
        "poor_participants": "3",
        "note": "Surat ke Dinas Kesehatan",
        **changes,
    }
    response = _client(demo, "manajer").post(_url("action-new", case.pk), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "Surat ke Dinas Kesehatan" in page
    assert not case.actions.exists()


def test_a_case_is_closed_with_its_outcome_and_then_shows_closed(demo):
    case = _open_case(demo, GIRISEKAR)
    client = _client(demo, "manajer")
    refused = client.post(_url("case-close", case.pk), {"outcome": "refused", "on": "2025-07-01"})
    assert refused.status_code == 422
    assert "Kasus tidak bisa selesai sebelum dibuka." in refused.content.decode()
    response = client.post(
        _url("case-close", case.pk),
        {"outcome": "policy_changed", "on": "2025-10-01", "note": "Jam buka ditambah"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.outcome, case.outcome_on) == ("policy_changed", D(2025, 10, 1))
    assert b'data-testid="closed"' in client.get(_url("case-close", case.pk)).content


# -- the named list: consent and the log -----------------------------------------------


def _consent_some(demo, case):
    """Three of the gap's households agree to be referred; one of them withdraws."""
    listing = affected_households(case)
    assert listing.gap >= 3, "the demo's PKH gap has at least three households"
    from berdaya.registry.models import Household

    households = [
        Household.objects.get(pk=pk)
        for pk in (
            affected_households_ids(case)[:3]  # the first three by place
        )
    ]
    for household in households:
        consent_record(household=household, purpose="social_protection", given_on=D(2025, 6, 1))
    # A consent for another purpose does not count.
    consent_record(
        household=Household.objects.get(pk=affected_households_ids(case)[3]),
        purpose="research",
        given_on=D(2025, 6, 1),
    )
    withdrawn = Consent.objects.get(household=households[2], purpose="social_protection")
    consent_withdraw(consent=withdrawn, on=D(2025, 7, 1))
    return households


def affected_households_ids(case):
    from berdaya.advocacy.selectors import _gap_households

    return list(_gap_households(case).values_list("pk", flat=True))


def test_only_consenting_households_are_named_and_each_view_is_logged(demo):
    case = _pkh_case(demo)
    households = _consent_some(demo, case)
    gap = len(affected_households_ids(case))
    client = _client(demo, "pendamping.girisekar")
    page = client.get(_url("case-households", case.pk)).content.decode()
    named = [h.figures.head_name for h in households[:2]]
    for name in named:
        assert name in page
    assert households[2].figures.head_name not in page.split('data-testid="named"')[1]
    assert f'data-testid="unnamed">{gap - 2} ' in page
    log = PersonalDataAccess.objects.get(user=demo.users["pendamping.girisekar"])
    assert (log.object_type, log.object_id, log.row_count) == ("advocacycase", str(case.pk), 2)
    assert sorted(log.object_ids) == sorted(h.pk for h in households[:2])
    for person in households[0].members.all():
        assert not person.nik or person.nik not in page  # identifiers are never listed
    client.get(_url("case-households", case.pk))
    assert PersonalDataAccess.objects.filter(object_id=str(case.pk)).count() == 2


def test_a_viewer_sees_counts_only_and_nothing_is_logged(demo):
    case = _pkh_case(demo)
    households = _consent_some(demo, case)
    page = _client(demo, "pemantau").get(_url("case-households", case.pk)).content.decode()
    assert 'data-testid="counts-only"' in page
    assert 'data-testid="named"' not in page
    assert households[0].figures.head_name not in page
    assert not PersonalDataAccess.objects.exists()


def test_the_named_list_follows_the_registry_today(demo):
    """A household enrolled in PKH after the case leaves the list (measured again)."""
    from berdaya.registry.services import household_enrol

    case = _pkh_case(demo)
    households = _consent_some(demo, case)
    before = affected_households(case)
    household_enrol(household=households[0], scheme_code="pkh", on=D(2025, 10, 1))
    after = affected_households(case)
    assert after.gap == before.gap - 1
    assert [r.household_id for r in after.named] == [households[1].pk]
