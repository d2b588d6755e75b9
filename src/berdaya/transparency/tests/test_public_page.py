"""The public transparency page: published by managers, open to anyone, aggregates only."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from berdaya.core.errors import PermissionDenied
from berdaya.transparency.models import PublicFigures, PublicPage
from berdaya.transparency.services import public_figures_refresh, public_page_set


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _url(demo) -> str:
    return reverse("transparency:public", kwargs={"public_slug": demo.programme.public_page.slug})


def test_the_demo_programme_is_published_and_anyone_may_read_it(demo):
    page = PublicPage.objects.get(programme=demo.programme)
    assert page.enabled and page.enabled_by == demo.users["manajer"]
    response = Client().get(_url(demo))
    assert response.status_code == 200
    text = response.content.decode()
    assert demo.programme.name in text
    # Indonesian by default; the demo has 120 households in each village.
    assert "Rumah tangga terpetakan" in text
    assert 'data-testid="households">240<' in re.sub(r"\s+", "", text)
    assert "Girisekar" in text and "Sidoharjo" in text
    # One measurement so far (the demo publishes once): the page says so.
    assert 'data-testid="first-measurement"' in text
    # Shared caches may keep it: it is the same for everyone.
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_a_page_not_published_is_not_found(demo, login):
    public_page_set(user=demo.users["manajer"], programme=demo.programme, enabled=False)
    assert Client().get(_url(demo)).status_code == 404
    assert Client().get("/publik/tidak-ada/").status_code == 404
    # Signed in makes no difference: the page is public or it is not there.
    assert login("manajer").get(_url(demo)).status_code == 404


def test_the_page_is_cached_and_withdrawing_it_empties_the_cache(
    demo, django_assert_max_num_queries
):
    url = _url(demo)
    assert Client().get(url).status_code == 200
    # From the cache: one query finds the published page, nothing is computed again.
    with django_assert_max_num_queries(2):
        assert Client().get(url).status_code == 200
    public_page_set(user=demo.users["manajer"], programme=demo.programme, enabled=False)
    from berdaya.transparency.services import cache_key

    assert cache.get(cache_key(demo.programme.pk)) is None
    assert Client().get(url).status_code == 404


def _demo_personal_values(demo) -> dict[str, list[str]]:
    from berdaya.core.models import User
    from berdaya.registry.models import Household, Person

    people = Person.objects.filter(organisation=demo.organisation)
    households = Household.objects.filter(organisation=demo.organisation)
    coordinates = []
    for lat, lon in households.exclude(latitude=None).values_list("latitude", "longitude"):
        coordinates += [repr(lat), f"{lat:.4f}", f"{lon:.4f}", f"{lat:.4f}".replace(".", ",")]
    return {
        "name": sorted({p.name for p in people} | {u.full_name for u in User.objects.all()}),
        "nik": [p.nik for p in people if p.nik],
        "kk": [h.kk for h in households if h.kk],
        "coordinates": coordinates,
    }


def test_the_page_shows_no_name_identity_number_or_home_location(demo):
    text = Client().get(_url(demo)).content.decode()
    # The organisation's name is public (and holds "Lestari", also a demo person's name).
    text = text.replace(demo.organisation.name, "")
    values = _demo_personal_values(demo)
    assert values["name"] and values["nik"] and values["kk"]
    for kind, items in values.items():
        found = [item for item in items if item and item in text]
        assert not found, f"{kind} on the public page: {found[:3]}"
    # No long digit run that could be a NIK or KK at all.
    assert not re.search(r"\d{16}", text)


def test_only_stories_with_consent_to_share_and_never_the_storyteller(demo):
    from berdaya.learning.models import Story
    from berdaya.learning.services import story_record

    # The newest period: the page shows the most recent stories.
    told = (
        Story.objects.filter(programme=demo.programme, consent="named")
        .order_by("-period__ends_on")
        .first()
    )

    def record(consent, title, name=""):
        return story_record(
            user=demo.users["pendamping.girisekar"],
            programme=demo.programme,
            village_code=told.village_id,
            period=told.period,
            domain=told.domain,
            title=title,
            what_happened=f"{title}: apa yang terjadi.",
            why_significant="Mengapa penting.",
            source="interview",
            collected_on=told.period.ends_on,
            consent=consent,
            storyteller_name=name,
        )

    record("withheld", "Cerita yang tidak boleh keluar desa")
    record("named", "Cerita dengan nama pencerita", name="Mbah Kartorejo")
    record("anonymous", "Cerita tanpa nama")
    text = Client().get(_url(demo)).content.decode()
    assert "Cerita yang tidak boleh keluar desa" not in text
    assert "Cerita dengan nama pencerita" in text and "Cerita tanpa nama" in text
    # Not even a named storyteller's name: that consent was to the programme, not the web.
    assert "Kartorejo" not in text


@pytest.mark.parametrize("username", ["pemantau", "pendamping.girisekar"])
def test_only_managers_publish_or_withdraw(demo, login, username):
    user = demo.users[username]
    with pytest.raises(PermissionDenied):
        public_page_set(user=user, programme=demo.programme, enabled=False)
    url = reverse("transparency:manage", kwargs={"programme_id": demo.programme.pk})
    client = login(username)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="public-withdraw"' not in page.content.decode()
    assert client.post(url, {"enabled": "False"}).status_code == 403
    assert PublicPage.objects.get(programme=demo.programme).enabled


def test_a_manager_withdraws_and_publishes_again_at_the_same_address(demo, login):
    url = reverse("transparency:manage", kwargs={"programme_id": demo.programme.pk})
    client = login("manajer")
    slug = demo.programme.public_page.slug
    assert 'data-testid="public-withdraw"' in client.get(url).content.decode()
    assert client.post(url, {"enabled": "False"}).status_code == 302
    assert not PublicPage.objects.get(programme=demo.programme).enabled
    assert 'data-testid="public-publish"' in client.get(url).content.decode()
    client.post(url, {"enabled": "True"})
    page = PublicPage.objects.get(programme=demo.programme)
    assert page.enabled and page.slug == slug
    # The programme page links to it.
    detail = client.get(reverse("programmes:detail", kwargs={"programme_id": demo.programme.pk}))
    assert url in detail.content.decode()


def test_publishing_and_withdrawing_is_in_the_audit_trail(demo):
    from auditlog.models import LogEntry

    page = PublicPage.objects.get(programme=demo.programme)
    public_page_set(user=demo.users["manajer"], programme=demo.programme, enabled=False)
    entries = LogEntry.objects.get_for_object(page)
    assert entries.filter(changes__icontains="enabled").exists()


def test_a_second_measurement_shows_the_trend(demo):
    """Two kept measurements on different days: the page shows both in a table."""
    first = PublicFigures.objects.get(programme=demo.programme)
    earlier = first.figures | {"poor_households": {"value": [150, 240], "households": 240}}
    PublicFigures.objects.filter(pk=first.pk).update(
        taken_on=first.taken_on - datetime.timedelta(days=180), figures=earlier
    )
    text = Client().get(_url(demo)).content.decode()
    assert 'data-testid="poverty-trend"' in text
    assert "62,5 %" in text  # 150 of 240 households, the earlier measurement
    assert PublicFigures.objects.filter(programme=demo.programme).count() == 2


def test_a_measurement_is_kept_again_only_when_the_figures_change(demo):
    before = PublicFigures.objects.filter(programme=demo.programme).count()
    public_figures_refresh(programme=demo.programme)
    public_figures_refresh(
        programme=demo.programme,
        today=datetime.date.today() + datetime.timedelta(days=3),
    )
    assert PublicFigures.objects.filter(programme=demo.programme).count() == before


def test_a_village_of_fewer_than_ten_households_shows_a_dash_with_a_note(demo):
    """A third village with 3 households: its figures, and the next smallest village's
    (which the total would otherwise give away), are hidden; the note says why."""
    from berdaya.areas.models import Village
    from berdaya.programmes.models import ProgrammeVillage
    from berdaya.registry.models import Person
    from berdaya.registry.services import MemberInput, household_register

    village = (
        Village.objects.filter(code__startswith="34.03.").exclude(code__in=demo.villages).first()
    )
    ProgrammeVillage.objects.create(programme=demo.programme, village=village)
    for number in range(3):
        household_register(
            organisation=demo.organisation,
            village=village,
            members=[
                MemberInput(
                    name=f"Warga Kecil {number}", sex=Person.Sex.MALE, relation=Person.Relation.HEAD
                )
            ],
        )
    public_figures_refresh(programme=demo.programme)
    cache.clear()
    text = Client().get(_url(demo)).content.decode()
    assert 'data-testid="suppression-note"' in text
    assert "—*" in text
    assert "Warga Kecil" not in text
    assert ">243<" in re.sub(r"\s+", "", text)  # the programme's total is 243 households


def test_the_figures_are_the_stored_ones_of_the_village_profile_and_the_books(demo):
    """The page prints what the registry's stored village figures, the savings groups'
    ratio sets and `money_sources` say (one measure each, read, never recomputed here)."""
    from berdaya.registry.models import VillageRegistryFigures
    from berdaya.savings.models import Book
    from berdaya.savings.selectors import group_measures, money_sources

    text = re.sub(r"\s+", "", Client().get(_url(demo)).content.decode())
    for row in VillageRegistryFigures.objects.filter(organisation=demo.organisation):
        headcount = row.figures["mpi"]["headcount"]
        assert f"{headcount * 100:.1f}%".replace(".", ",") in text
    savings = sum(
        group_measures(book).savings
        for book in Book.objects.filter(programme=demo.programme, kind="savings")
    )
    assert f"Rp{savings:,}".replace(",", ".") in text
    for year, totals in money_sources(programme=demo.programme.pk).by_year.items():
        external = totals.external_money + totals.external_goods
        whole = external + totals.internal_money + totals.internal_goods
        assert f"{year}</th><td>{100 * external / whole:.1f}%".replace(".", ",") in text
