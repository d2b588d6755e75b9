"""The stakeholder registry: registered once per organisation, by its own people."""

import pytest

from berdaya.core.errors import PermissionDenied, ValidationFailed
from berdaya.partnerships.selectors import stakeholders_visible_to
from berdaya.partnerships.services import stakeholder_register

pytestmark = pytest.mark.usefixtures("english")


def test_a_stakeholder_is_registered_once_and_seen_by_its_organisation(demo):
    manager = demo.users["manajer"]
    made = stakeholder_register(
        user=manager,
        organisation_id=demo.organisation.pk,
        name="  Dinas   Sosial Uji ",
        sector="state",
        role="funder",
    )
    assert made.name == "Dinas Sosial Uji"
    with pytest.raises(ValidationFailed, match="already registered"):
        stakeholder_register(
            user=manager,
            organisation_id=demo.organisation.pk,
            name="dinas sosial uji",
            sector="state",
            role="funder",
        )
    with pytest.raises(ValidationFailed, match="listed answers"):
        stakeholder_register(
            user=manager,
            organisation_id=demo.organisation.pk,
            name="Bank X",
            sector="bank",
            role="funder",
        )
    with pytest.raises(PermissionDenied):
        stakeholder_register(
            user=demo.users["pemantau"],
            organisation_id=demo.organisation.pk,
            name="Bank Y",
            sector="market",
            role="funder",
        )
    assert made in stakeholders_visible_to(demo.users["pemantau"])


def test_the_stakeholder_page(login):
    client = login("manajer")
    response = client.post(
        "/uang/pemangku-kepentingan/", {"name": "", "sector": "state", "role": "funder"}
    )
    assert response.status_code == 422
