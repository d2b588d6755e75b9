"""A viewer (a funder) sees what a viewer may see: figures for the programme's villages
where others see rows, no menu item or page that only refuses (issue 16)."""

from __future__ import annotations

import pytest

from berdaya.facilitation.models import Activity
from berdaya.groups.models import Group
from berdaya.planning.models import PlanningCycle
from berdaya.registry.models import Household


def _figures(response) -> dict[str, tuple[int, dict]]:
    return {t.title: (t.total, dict(t.rows)) for t in response.context["figures"]}


def test_the_viewer_sees_activity_figures_not_none(login, demo):
    response = login("pemantau").get("/pendampingan/")
    figures = _figures(response)
    total = Activity.objects.filter(programme=demo.programme).count()
    assert total > 0
    by_village, villages = figures["Kegiatan per desa"]
    assert by_village == total == sum(villages.values())
    assert set(villages) == {"Girisekar", "Sidoharjo"}
    body = response.content.decode()
    assert 'data-testid="viewer-figures"' in body
    assert "activity-detail" not in body and "/pendampingan/1/" not in body


def test_the_viewer_sees_group_plan_and_household_figures(login, demo):
    client = login("pemantau")
    groups = _figures(client.get("/kelompok/"))["Kelompok per desa"]
    assert groups[0] == Group.objects.filter(organisation=demo.organisation).count() > 0
    plans = _figures(client.get("/perencanaan/"))["Rencana per desa"]
    assert plans[0] == PlanningCycle.objects.filter(programme=demo.programme).count() > 0
    households = client.get("/registri/rumah-tangga/")
    total, by_village = _figures(households)["Rumah tangga per desa"]
    assert total == Household.objects.filter(organisation=demo.organisation).count() == 240
    assert sum(by_village.values()) == total
    assert "Wagiyem" not in households.content.decode()


@pytest.mark.parametrize("url", ["/pendampingan/baru/", "/kelompok/baru/", "/perencanaan/baru/"])
def test_pages_that_only_refuse_answer_403_like_the_new_import(login, demo, url):
    assert login("pemantau").get(url).status_code == 403
    assert login("pemantau").get("/registri/impor/baru/").status_code == 403


def test_the_viewers_menu_leads_only_where_they_may_go(login, demo):
    body = login("pemantau").get("/").content.decode()
    assert "/registri/impor/" not in body
    assert "/pendampingan/kerja-saya/" not in body
    facilitator = login("pendamping.girisekar").get("/").content.decode()
    assert "/registri/impor/" in facilitator and "/pendampingan/kerja-saya/" in facilitator
