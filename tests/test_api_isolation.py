"""Every API operation honours the access rule (see tests/api_isolation.py for the walk)."""

import pytest
from django.test import Client

from berdaya.accounts.services import token_create
from berdaya.api.main import api

from .api_isolation import check_operations
from .test_isolation import world  # noqa: F401  (the same world as the URL walk)

pytestmark = pytest.mark.usefixtures("demo")


def _client(user, scope="write") -> Client:
    secret = token_create(user=user, name="walk", scope=scope, expires_in_days=7).secret
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _rows() -> int:
    from berdaya.community.models import Institution
    from berdaya.facilitation.models import Activity
    from berdaya.groups.models import Group
    from berdaya.planning.models import PlanningCycle
    from berdaya.registry.models import Household

    return sum(m.objects.count() for m in (Household, Institution, Activity, PlanningCycle, Group))


def _objects(world, demo):  # noqa: F811
    extra = {"organisation_id": str(demo.organisation.pk)}
    return {**world.objects_a, **extra}, {**world.objects_b, **extra}


def test_every_api_operation_honours_the_access_rule(world, demo):  # noqa: F811
    objects_a, objects_b = _objects(world, demo)
    problems = check_operations(
        api.get_openapi_schema(),
        client=_client(world.facilitator),
        objects_a=objects_a,
        objects_b=objects_b,
        count_rows=_rows,
    )
    assert problems == []


def test_the_api_walk_catches_an_operation_that_forgets_the_access_rule(world, demo):  # noqa: F811
    import sys

    from django.test import override_settings
    from django.urls import path
    from ninja import Router

    from berdaya.api.main import BerdayaAPI
    from berdaya.registry.models import Household

    leaky = Router()

    @leaky.get("/leaky/{household_id}", response={200: dict})
    def leaky_household(request, household_id: int):
        household = Household.objects.get(pk=household_id)  # no access rule
        return {"village_code": household.village_id}

    @leaky.get("/leaky-list", response={200: list[dict]})
    def leaky_list(request):
        return [{"village_code": h.village_id} for h in Household.objects.all()[:300]]

    leaky_api = BerdayaAPI(urls_namespace="leaky")
    leaky_api.add_router("", leaky)
    module = type(sys)("tests._leaky_api_urls")
    module.urlpatterns = [path("api/leaky/", leaky_api.urls)]
    sys.modules[module.__name__] = module
    try:
        with override_settings(ROOT_URLCONF=module.__name__):
            problems = check_operations(
                leaky_api.get_openapi_schema(path_prefix="/api/leaky/"),
                client=Client(),
                objects_a=world.objects_a,
                objects_b=world.objects_b,
                count_rows=_rows,
            )
    finally:
        del sys.modules[module.__name__]
    assert any(p.startswith("leaky_household") and "expected 404" in p for p in problems)
    assert any(p.startswith("leaky_list") and "listed objects" in p for p in problems)


def test_a_read_token_cannot_write(world, demo):  # noqa: F811
    client = _client(world.facilitator, scope="read")
    household = world.objects_a["household_id"]
    response = client.patch(
        f"/api/v1/households/{household}", data={"dusun": "X"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert client.get(f"/api/v1/households/{household}").status_code == 200
