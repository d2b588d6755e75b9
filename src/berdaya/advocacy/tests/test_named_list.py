"""The named list of a coverage-gap case as a service: who may open it, what it counts and
names, and the log it leaves (issue 14; the demo's PKH case in Girisekar is the example)."""

import datetime

import pytest

from berdaya.advocacy.models import AdvocacyCase
from berdaya.advocacy.selectors import affected_count, affected_households, may_see_names
from berdaya.advocacy.services import affected_households_reveal, case_open
from berdaya.core.errors import PermissionDenied
from berdaya.core.models import PersonalDataAccess
from berdaya.registry.services import consent_record

pytestmark = pytest.mark.usefixtures("english")
D = datetime.date


def _pkh_case(demo):
    return AdvocacyCase.objects.get(programme=demo.programme, scheme="pkh")


def test_the_gap_today_is_the_registry_figures_gap(demo):
    """The count equals the village figures' `poor_not_enrolled` for PKH after the three
    enrolments the demo recorded (the case's 'after')."""
    case = _pkh_case(demo)
    assert affected_count(case) == case.coverage_after["poor_not_enrolled"]
    assert affected_households(case).named == []  # no household consented to referral yet


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("manajer", True),
        ("admin", True),
        ("pendamping.girisekar", True),
        ("pendamping.sidoharjo", False),
        ("pemantau", False),
    ],
)
def test_names_follow_the_personal_data_rule_of_the_village(demo, username, sees):
    case = _pkh_case(demo)
    assert may_see_names(demo.users[username], case) is sees
    if not sees:
        with pytest.raises(PermissionDenied):
            affected_households_reveal(user=demo.users[username], case=case)
        assert not PersonalDataAccess.objects.exists()


def test_a_reveal_names_the_consenting_and_logs_their_keys(demo):
    from berdaya.advocacy.selectors import _gap_households

    case = _pkh_case(demo)
    first = _gap_households(case).first()
    consent_record(household=first, purpose="social_protection", given_on=D(2025, 6, 1))
    listing = affected_households_reveal(user=demo.users["manajer"], case=case)
    assert [row.household_id for row in listing.named] == [first.pk]
    assert listing.unnamed == listing.gap - 1
    log = PersonalDataAccess.objects.get()
    assert (log.action, log.object_ids, log.row_count) == ("export", [first.pk], 1)


def test_a_case_that_is_not_a_coverage_gap_has_no_named_list(demo):
    case = case_open(
        user=demo.users["manajer"],
        programme=demo.programme,
        village_code=_pkh_case(demo).village_id,
        kind="rights_violation",
        title="Pungutan liar bantuan",
        demand="Hentikan",
        people_affected=9,
        opened_on=D(2025, 8, 1),
        target_name="Inspektorat",
    )
    assert not may_see_names(demo.users["manajer"], case)
