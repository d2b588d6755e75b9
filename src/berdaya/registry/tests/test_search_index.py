"""Finding persons by name on the name index, and the household list's bounded pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from berdaya.demo.community import GIRISEKAR, SIDOHARJO
from berdaya.registry import search, selectors
from berdaya.registry.models import Person
from berdaya.registry.services import MemberInput, household_register, person_correct, person_erase

LIST = "/registri/rumah-tangga/"


def _register(demo, *names: str, village=GIRISEKAR):
    members = [
        MemberInput(
            name=name,
            sex="P",
            relation="head" if number == 0 else "child",
            birth_date=datetime.date(1980 + number, 1, 1),
        )
        for number, name in enumerate(names)
    ]
    return household_register(
        organisation=demo.organisation, village=demo.villages[village], members=members
    )


def test_exact_then_prefix_then_word_matches_are_ranked_first(demo):
    _register(demo, "Budi Sriyantoro", "Srikandi Putriani", "Sri", "Sri Wahyuningsih")
    found = selectors.person_name_search(
        user=demo.users["pendamping.girisekar"], text="SRI", village_code=GIRISEKAR, limit=500
    )
    names = [p.name for p in found]
    assert names.index("Sri") == 0
    assert names.index("Sri Wahyuningsih") < names.index("Budi Sriyantoro")
    assert names.index("Srikandi Putriani") < names.index("Budi Sriyantoro")
    assert all(any(word.lower().startswith("sri") for word in name.split()) for name in names), (
        "every word typed starts a word of the name"
    )


def test_every_word_typed_must_start_a_word_of_the_name(demo):
    _register(demo, "Siti Aminahwati", "Aminah Sitoresmi")
    user = demo.users["manajer"]
    found = {p.name for p in selectors.person_name_search(user=user, text="sit amin", limit=500)}
    assert {"Siti Aminahwati", "Aminah Sitoresmi"} <= found
    assert not selectors.person_name_search(user=user, text="minahwati")  # not a word start
    assert not selectors.person_name_search(user=user, text="  ,.;  ")  # no word at all


def test_a_facilitator_finds_nobody_of_another_village(demo):
    _register(demo, "Wiwik Zulaikhatun", village=SIDOHARJO)
    user = demo.users["pendamping.girisekar"]
    assert not selectors.person_name_search(user=user, text="zulaikhatun")
    other = demo.users["pendamping.sidoharjo"]
    assert [p.name for p in selectors.person_name_search(user=other, text="zulaikhatun")] == [
        "Wiwik Zulaikhatun"
    ]


def test_the_index_follows_corrections_and_erasure(demo):
    household = _register(demo, "Paijem Kromowidjojo")
    person = household.members.get()
    manager = demo.users["manajer"]
    person_correct(
        user=manager, person=person, changes={"name": "Paijah Kromowidjojo"}, reason="ejaan KTP"
    )
    assert [p.pk for p in selectors.person_name_search(user=manager, text="paijah")] == [person.pk]
    assert not selectors.person_name_search(user=manager, text="paijem")
    person_erase(user=manager, person=Person.objects.get(pk=person.pk), reason="permintaan warga")
    assert not selectors.person_name_search(user=manager, text="kromowidjojo")


def test_a_lost_index_is_rebuilt_after_migrate(demo):
    """A SQLite table rebuild (a later migration) drops the triggers; `ensure_index` (run
    after every migrate and by refresh-figures) puts the index back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER registry_person_name_ai")
        else:
            cursor.execute("DROP INDEX registry_person_name_tsv")
    assert search.ensure_index() is True
    assert search.ensure_index() is False
    _register(demo, "Ngatiyem Sastrowardoyo")
    found = selectors.person_name_search(user=demo.users["manajer"], text="sastrowardoyo")
    assert [p.name for p in found] == ["Ngatiyem Sastrowardoyo"]


def test_the_household_search_by_name_uses_the_index(login, demo):
    household = _register(demo, "Tumini Hadisuwarno")
    response = login("pendamping.girisekar").get(LIST, {"q": "hadisuwarno"})
    assert [row.pk for row in response.context["rows"]] == [household.pk]


def test_a_long_list_stops_at_its_limit_and_says_so(login, demo, monkeypatch):
    monkeypatch.setattr(selectors, "LIST_LIMIT", 10)
    client = login("pendamping.girisekar")
    response = client.get(LIST)
    page = response.context["page"]
    assert page.paginator.num_pages == 1 + (10 - 1) // 25
    assert response.context["limited"]
    assert b'data-testid="list-limited"' in response.content
    # The unfiltered list's count is exact: it comes from the stored village figures.
    from berdaya.registry.models import Household

    active = Household.objects.filter(village_id=GIRISEKAR, status="active").count()
    assert response.context["total"] == active
    filtered = client.get(LIST, {"rt": "001"})
    if filtered.context["limited"]:
        assert filtered.context["total"] is None  # "More than 10 households"
        assert b"10" in filtered.content


@pytest.mark.parametrize("page", ["2", "999", "x"])
def test_any_page_number_answers(login, demo, page):
    assert login("pendamping.girisekar").get(LIST, {"page": page}).status_code == 200
