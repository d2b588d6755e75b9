"""The household list: search, filters, pagination, scope, and what viewers see."""

from __future__ import annotations

import datetime

import pytest

from berdaya.core.crypto import blind_index
from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry.models import Enrolment, Household, Person
from berdaya.registry.services import MemberInput, household_register

LIST = "/registri/rumah-tangga/"


def _ids(response) -> list[int]:
    return [row.pk for row in response.context["rows"]]


def _all_ids(client, **params) -> set[int]:
    """Every household of the filtered list (all pages: the paginator's queryset)."""
    response = client.get(LIST, params)
    assert response.status_code == 200
    listed = response.context["page"].paginator.object_list
    if isinstance(listed, list):  # a name search's keys, ordered in Python
        return set(listed)
    return set(listed.values_list("pk", flat=True))


def _register(demo, **kwargs) -> Household:
    return household_register(
        organisation=demo.organisation,
        village=demo.villages[GIRISEKAR],
        members=kwargs.pop(
            "members",
            [MemberInput(name="Wagiyem Uji", sex="P", relation="head", nik="3403064505830901")],
        ),
        dusun=kwargs.pop("dusun", "Dusun Uji"),
        **kwargs,
    )


def test_the_list_shows_head_village_rt_rw_members_and_poverty_status(login, demo):
    household = _register(demo, rw="07", rt="009")
    response = login("manajer").get(LIST, {"q": "Wagiyem Uji"})
    body = response.content.decode()

    assert response.status_code == 200
    assert _ids(response) == [household.pk]
    assert "Wagiyem Uji" in body
    assert "Girisekar" in body
    assert "RT 009/RW 07" in body
    assert 'data-testid="poverty-status"' in body
    assert "1 anggota" in body or "1 member" in body


def test_a_facilitator_lists_only_the_households_of_their_village(login, demo):
    listed = _all_ids(login("pendamping.girisekar"))
    expected = set(
        Household.objects.filter(
            organisation=demo.organisation, village_id=GIRISEKAR, status="active"
        ).values_list("pk", flat=True)
    )
    assert listed == expected


def test_search_by_part_of_a_members_name(login, demo):
    household = _register(
        demo,
        members=[
            MemberInput(name="Paijo", sex="L", relation="head"),
            MemberInput(name="Sulastri Kertonadi", sex="P", relation="spouse"),
        ],
    )
    _posted, response = _search(login("manajer"), "kertona")
    assert _ids(response) == [household.pk]


def _search(client, text: str):
    """Type `text` into the search box: the form posts, the answer is the list's address."""
    posted = client.post(LIST, {"q": text})
    assert posted.status_code == 302
    return posted, client.get(posted["Location"])


def test_search_by_exact_nik_or_kk_uses_the_keyed_hash(login, demo):
    person = Person.objects.filter(household__village_id=GIRISEKAR).exclude(nik_hash="").first()
    client = login("manajer")

    posted, by_nik = _search(client, person.nik)
    _posted, spaced = _search(client, f"{person.nik[:6]} {person.nik[6:12]} {person.nik[12:]}")
    _posted, by_kk = _search(client, person.household.kk)
    _posted, partial = _search(client, person.nik[:10])

    assert _ids(by_nik) == [person.household_id]
    assert _ids(spaced) == [person.household_id]
    assert _ids(by_kk) == [person.household_id]
    assert _ids(partial) == []  # never a prefix search over identifiers
    # The number goes nowhere: not in the address, not in the page or its links.
    assert person.nik not in posted["Location"]
    assert f"idx={blind_index(person.nik)}" in posted["Location"]
    assert person.nik not in by_nik.content.decode()
    assert 'data-testid="identifier-search"' in by_nik.content.decode()


def test_a_nik_typed_into_the_address_is_replaced_by_its_hash(login, demo):
    person = Person.objects.filter(household__village_id=GIRISEKAR).exclude(nik_hash="").first()
    response = login("manajer").get(LIST, {"q": person.nik})
    assert response.status_code == 302
    assert person.nik not in response["Location"]


def test_an_htmx_search_answers_with_results_and_a_clean_address(login, demo):
    person = Person.objects.filter(household__village_id=GIRISEKAR).exclude(nik_hash="").first()
    response = login("manajer").post(LIST, {"q": person.nik}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert _ids(response) == [person.household_id]
    assert person.nik not in response["HX-Push-Url"]
    assert person.nik not in response.content.decode()


def test_filter_by_dusun_rw_and_rt(login, demo):
    household = _register(demo, dusun="Dusun Filter", rw="09", rt="011")
    client = login("manajer")
    assert _all_ids(client, village=GIRISEKAR, dusun="Dusun Filter") == {household.pk}
    assert household.pk in _all_ids(client, rw="09", rt="011")
    assert household.pk not in _all_ids(client, rw="09", rt="012")


def test_filter_by_village(login, demo):
    client = login("manajer")
    in_b = _all_ids(client, village=SIDOHARJO)
    assert in_b
    assert set(Household.objects.filter(pk__in=in_b).values_list("village_id", flat=True)) == {
        SIDOHARJO
    }


def test_filter_by_social_protection_enrolment(login, demo):
    client = login("manajer")
    pkh = set(
        Enrolment.objects.filter(
            scheme__code="pkh", until__isnull=True, household__status="active"
        ).values_list("household_id", flat=True)
    )
    enrolled = _all_ids(client, scheme="pkh", enrolment="enrolled")
    not_enrolled = _all_ids(client, scheme="pkh", enrolment="not_enrolled")
    everyone = _all_ids(client)

    assert enrolled == pkh & everyone
    assert not_enrolled == everyone - pkh
    assert _all_ids(client, scheme="pkh") == enrolled


def test_filter_by_household_status(login, demo):
    household = _register(demo)
    Household.objects.filter(pk=household.pk).update(status=Household.Status.MOVED_AWAY)
    client = login("manajer")
    assert household.pk not in _all_ids(client, q="Wagiyem Uji")
    assert _all_ids(client, q="Wagiyem Uji", status="moved_away") == {household.pk}
    assert _all_ids(client, q="Wagiyem Uji", status="all") == {household.pk}


def test_pagination_keeps_the_filters(login, demo):
    response = login("manajer").get(LIST, {"village": GIRISEKAR, "status": "active"})
    body = response.content.decode()
    assert response.context["page"].has_next()
    assert f"village={GIRISEKAR.replace('.', '.')}" in body.replace("&amp;", "&")
    assert "page=2" in body


def test_htmx_filtering_returns_only_the_results(login, demo):
    client = login("manajer")
    full = client.get(LIST, {"village": GIRISEKAR})
    partial = client.get(LIST, {"village": GIRISEKAR}, headers={"HX-Request": "true"})
    assert next(t.name for t in partial.templates) == "registry/_household_results.html"
    assert "<html" not in partial.content.decode()
    assert _ids(partial) == _ids(full)


def test_a_viewer_sees_no_household_and_no_name(login, demo):
    name = Person.objects.filter(household__village_id=GIRISEKAR).first().name
    response = login("pemantau").get(LIST, {"q": name})
    body = response.content.decode()
    assert response.status_code == 200
    assert name not in body.split("</header>", 1)[1]
    assert "rows" not in response.context or not response.context["rows"]


def test_a_household_registered_today_shows_in_the_list_at_once(login, demo):
    household = _register(
        demo,
        survey={"floor": "earth", "cooking_fuel": "wood"},
        surveyed_on=datetime.date(2025, 3, 1),
    )
    assert household.pk in _all_ids(login("pendamping.girisekar"), q="Wagiyem")


@pytest.mark.parametrize("user", ["manajer", "pendamping.girisekar"])
def test_an_invalid_filter_value_does_not_widen_the_list(login, demo, user):
    client = login(user)
    mine = _all_ids(client)
    assert _all_ids(client, village="34.99.99.9999", poverty="nonsense") <= mine
