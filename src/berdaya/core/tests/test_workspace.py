from berdaya.registry.models import Household

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"


def test_manager_narrows_the_dashboard_to_one_village(login, demo):
    client = login("manajer")
    response = client.post("/ruang-kerja/", {"village": SIDOHARJO}, follow=True)
    assert response.context["workspace"].village.code == SIDOHARJO
    expected = Household.objects.filter(village_id=SIDOHARJO).count()
    assert response.context["figures"].households == expected
    # Back to all villages.
    response = client.post("/ruang-kerja/", {"village": ""}, follow=True)
    assert response.context["workspace"].village is None
    assert response.context["figures"].households == Household.objects.count()


def test_a_facilitator_cannot_choose_a_village_not_assigned_to_them(login, demo):
    client = login("pendamping.girisekar")
    response = client.post("/ruang-kerja/", {"village": SIDOHARJO}, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any(SIDOHARJO in m for m in messages), messages
    # Their one village is the village they work in; nothing else can be chosen.
    assert response.context["workspace"].village.code == GIRISEKAR
    assert response.context["figures"].households == (
        Household.objects.filter(village_id=GIRISEKAR).count()
    )


def test_an_unknown_village_code_or_programme_gets_a_message_not_an_error(login, demo):
    client = login("manajer")
    for data in ({"village": "99.99.99.9999"}, {"programme": "999999"}, {"programme": "abc"}):
        response = client.post("/ruang-kerja/", data, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"]), data


def test_htmx_switch_answers_with_a_redirect_header(login, demo):
    client = login("manajer")
    response = client.post(
        "/ruang-kerja/",
        {"village": GIRISEKAR},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/registri/rumah-tangga/",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "http://testserver/registri/rumah-tangga/"


def test_a_viewer_sees_counts_but_no_household_rows(login, demo):
    client = login("pemantau")
    dashboard = client.get("/")
    assert dashboard.context["figures"].households == Household.objects.count()
    listing = client.get("/registri/rumah-tangga/")
    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == 0
    household = Household.objects.first()
    assert client.get(f"/registri/rumah-tangga/{household.pk}/").status_code == 404
