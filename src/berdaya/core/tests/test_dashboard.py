from berdaya.registry.models import Household


def test_dashboard_shows_the_real_household_count_of_the_facilitators_village(login, demo):
    response = login("pendamping.girisekar").get("/")
    assert response.status_code == 200
    # Active households (moved, split or merged ones are no longer in the village).
    expected = Household.objects.filter(village_id="34.03.06.2002", status="active").count()
    assert expected > 0
    assert response.context["figures"].households == expected


def test_manager_sees_both_villages(login, demo):
    response = login("manajer").get("/")
    assert (
        response.context["figures"].households == Household.objects.filter(status="active").count()
    )
    assert response.context["figures"].villages == 2
