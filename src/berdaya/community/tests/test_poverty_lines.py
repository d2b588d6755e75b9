"""A manager's own poverty lines, and income poverty and inequality on the village profile."""

from __future__ import annotations

import pytest

from berdaya.community.models import PovertyLineOverride
from berdaya.demo.community import GIRISEKAR
from berdaya.registry import figures

URL = "/komunitas/garis-kemiskinan/"
LINE = {"area_code": "34.03", "year": "2025", "amount": "610000", "source": "BPS Gunungkidul"}


def test_a_manager_sets_a_line_and_the_profile_uses_it(
    login, demo, django_capture_on_commit_callbacks
):
    client = login("manajer")
    page = client.get(URL)
    assert page.status_code == 200
    assert b'data-testid="shipped-lines"' in page.content
    assert "582.932" in page.content.decode() or "582,932" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, LINE)
    assert response.status_code == 302
    line = PovertyLineOverride.objects.get(organisation=demo.organisation)
    assert (line.area_code, line.year, line.amount, line.set_by) == (
        "34.03",
        2025,
        610_000,
        demo.users["manajer"],
    )
    profile = client.get(f"/wilayah/desa/{GIRISEKAR}/")
    income = profile.context["figures"].income
    assert income.line["amount"] == 610_000 and income.line["own"]
    body = profile.content.decode()
    assert "BPS Gunungkidul" in body and "Ditetapkan oleh organisasi Anda." in body
    # Removing it brings the shipped BPS line back.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, {"remove": line.pk}).status_code == 302
    income = client.get(f"/wilayah/desa/{GIRISEKAR}/").context["figures"].income
    assert income.line["amount"] == 582_932 and not income.line["own"]


def test_changing_a_line_marks_the_villages_figures_stale_until_computed(demo):
    from berdaya.community.services import poverty_line_set

    figures.village_row(organisation_id=demo.organisation.pk, village_code=GIRISEKAR)
    poverty_line_set(
        user=demo.users["manajer"],
        organisation_id=demo.organisation.pk,
        area_code="34",
        year=2025,
        amount=600_000,
        source="BPS DIY",
    )
    from berdaya.registry.models import VillageRegistryFigures

    assert VillageRegistryFigures.objects.get(
        organisation=demo.organisation, village_id=GIRISEKAR
    ).stale


@pytest.mark.parametrize("username", ["pendamping.girisekar", "pemantau"])
def test_facilitators_and_viewers_cannot_set_lines(login, username):
    client = login(username)
    assert client.get(URL).status_code == 403
    assert client.post(URL, LINE).status_code == 403
    assert not PovertyLineOverride.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-5000"}, "Garis kemiskinan harus lebih dari Rp 0 per orang per bulan."),
        ({"amount": "0"}, "Garis kemiskinan harus lebih dari Rp 0 per orang per bulan."),
        ({"year": "1999"}, "Isi tahun dari 2000 sampai 2100."),
        ({"year": "2101"}, "Isi tahun dari 2000 sampai 2100."),
        ({"source": "  "}, "Sebutkan asal garis ini"),
        ({"area_code": "35"}, "tidak ada dalam daftar: pilih salah satu jawaban yang tersedia."),
    ],
)
def test_bad_lines_are_refused_in_indonesian(login, changes, message):
    response = login("manajer").post(URL, {**LINE, **changes})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PovertyLineOverride.objects.exists()


def test_the_profile_shows_income_poverty_beside_the_mpi(login, demo):
    response = login("pendamping.girisekar").get(f"/wilayah/desa/{GIRISEKAR}/")
    body = response.content.decode()
    stored = figures.village_row(organisation_id=demo.organisation.pk, village_code=GIRISEKAR)
    income = stored.figures["income"]
    assert body.index('data-testid="mpi"') < body.index('data-testid="income"')
    shown = response.context["figures"].income
    assert (shown.P0, shown.P1, shown.P2, shown.gini) == (
        income["P0"],
        income["P1"],
        income["P2"],
        income["gini"],
    )
    assert f"{100 * income['P0']:.1f}".replace(".", ",") + "%" in body
    assert 'data-testid="gini-decomposition"' in body
    assert "120 dari 120 rumah tangga (100%)" in body
    assert "Rp 582.932" in body and "2024" in body
    assert 'href="/komunitas/garis-kemiskinan/"' not in body  # facilitators do not set lines


def test_the_profile_says_when_too_few_households_answered(login, demo, monkeypatch):
    monkeypatch.setattr(figures, "INCOME_MIN_ANSWERS", 500)
    figures.village_refresh(organisation_id=demo.organisation.pk, village_code=GIRISEKAR)
    body = login("manajer").get(f"/wilayah/desa/{GIRISEKAR}/").content.decode()
    assert 'data-testid="income-not-enough"' in body
    assert 'data-testid="income"' not in body
    assert 'href="/komunitas/garis-kemiskinan/"' in body


def test_the_programme_page_shows_income_poverty_over_all_its_villages(login, demo):
    from berdaya.demo.community import VILLAGES

    body = login("manajer").get(f"/program/{demo.programme.pk}/").content.decode()
    stored = figures.programme_income(organisation_id=demo.organisation.pk, codes=VILLAGES)
    assert 'data-testid="programme-income"' in body
    assert f"{100 * stored['P0']:.1f}".replace(".", ",") + "%" in body
    assert "240 dari 240 rumah tangga" in body


def test_removing_a_line_of_another_organisation_or_nonsense_is_not_found(login, demo):
    from berdaya.organisations.models import Organisation

    other = Organisation.objects.create(name="Lain", kind=Organisation.Kind.NGO)
    line = PovertyLineOverride.objects.create(
        organisation=other, area_code="34", year=2025, amount=1, source="x"
    )
    client = login("manajer")
    assert client.post(URL, {"remove": line.pk}).status_code == 404
    assert client.post(URL, {"remove": "abc"}).status_code == 404
    assert PovertyLineOverride.objects.filter(pk=line.pk).exists()
