"""The REST API: what a partner system, an analyst's script or the browser relies on."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.accounts.models import PersonalAccessToken
from berdaya.core.models import PersonalDataAccess
from berdaya.registry.models import Household, Person

GIRISEKAR, SIDOHARJO = "34.03.06.2002", "34.03.07.2003"
pytestmark = pytest.mark.usefixtures("demo")


def _json(response):
    return json.loads(response.content)


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


# -- authentication --------------------------------------------------------------------------


def test_without_credentials_the_api_answers_401_in_the_error_contract(db):
    response = Client().get("/api/v1/households")
    assert response.status_code == 401
    body = _json(response)
    assert body["code"] == "unauthorized"
    assert "token" in body["message"].lower()
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_is_stored_as_a_digest_and_works_until_revoked(api, demo, token_for):
    secret = token_for("pendamping.girisekar", scope="read")
    token = PersonalAccessToken.objects.get(prefix=secret[:12])
    assert secret not in {token.digest, token.prefix, token.name}
    assert len(token.digest) == 64 and token.prefix.startswith("bdy_")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/households").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/v1/households").status_code == 401


def test_an_expired_or_altered_token_is_refused(demo, token_for):
    secret = token_for("manajer")
    altered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert (
        Client(headers={"Authorization": f"Bearer {altered}"}).get("/api/v1/programmes").status_code
        == 401
    )
    PersonalAccessToken.objects.filter(prefix=secret[:12]).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert (
        Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/programmes").status_code
        == 401
    )


def test_the_browser_session_works_and_writes_need_the_csrf_token(login, demo):
    client = login("pendamping.girisekar")
    assert client.get("/api/v1/households?limit=2").status_code == 200
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(demo.users["pendamping.girisekar"])
    household = Household.objects.filter(village_id=GIRISEKAR).first()
    response = _post(strict, f"/api/v1/households/{household.pk}", {"rt": "002"}, "patch")
    assert response.status_code == 403


# -- reads: scope, masking, pagination, audit -------------------------------------------------


def test_households_are_those_of_the_callers_villages_with_kk_masked(api):
    client = api("pendamping.girisekar")
    seen = []
    url = "/api/v1/households?limit=50"
    while url:
        page = _json(client.get(url))
        seen += page["items"]
        url = f"/api/v1/households?limit=50&cursor={page['next']}" if page["next"] else None
    expected = Household.objects.filter(village_id=GIRISEKAR, status="active")
    assert sorted(h["id"] for h in seen) == sorted(expected.values_list("pk", flat=True))
    assert {h["village_code"] for h in seen} == {GIRISEKAR}
    household = Household.objects.get(pk=seen[0]["id"])
    assert seen[0]["kk_masked"] == household.kk[:4] + "*" * 10 + household.kk[-2:]
    assert household.kk not in json.dumps(seen)


@settings(max_examples=15, deadline=None)
@given(limit=st.integers(min_value=1, max_value=200))
def test_cursor_pages_cover_every_row_once_whatever_the_page_size(limit):
    from berdaya.api.pagination import PageParams, page_of

    rows, keys, cursor = [], list(Person.objects.values_list("pk", flat=True)), None
    while True:
        page, cursor = page_of(Person.objects.all(), PageParams(limit=limit, cursor=cursor))
        rows += [p.pk for p in page]
        assert len(page) <= limit
        if cursor is None:
            break
    assert rows == sorted(keys)


def test_a_person_shows_a_masked_nik_and_every_read_is_accounted_for(api, demo):
    person = Person.objects.filter(household__village_id=GIRISEKAR).exclude(nik_hash="").first()
    client = api("pendamping.girisekar", scope="read")
    body = _json(client.get(f"/api/v1/persons/{person.pk}"))
    assert body["nik_masked"] == person.nik_masked and person.nik not in json.dumps(body)
    read = PersonalDataAccess.objects.filter(action="api_read", object_type="person").latest("pk")
    assert read.user == demo.users["pendamping.girisekar"]
    assert read.object_ids == [person.pk] and read.channel.startswith("api:bdy_")
    _json(client.get(f"/api/v1/persons?household_id={person.household_id}"))
    listed = PersonalDataAccess.objects.filter(action="api_read").latest("pk")
    assert sorted(listed.object_ids) == sorted(
        Person.objects.filter(household=person.household, status="present").values_list(
            "pk", flat=True
        )
    )


def test_viewers_get_aggregates_only(api):
    client = api("pemantau")
    for url in ("/api/v1/households", "/api/v1/persons", "/api/v1/activities", "/api/v1/groups"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert _json(response)["code"] == "forbidden"
    household = Household.objects.filter(village_id=GIRISEKAR).first()
    assert client.get(f"/api/v1/households/{household.pk}").status_code == 404
    analysis = _json(client.get(f"/api/v1/villages/{GIRISEKAR}/analysis"))
    assert (
        analysis["households"]
        == Household.objects.filter(village_id=GIRISEKAR, status="active").count()
    )
    assert 0 <= analysis["mpi"]["mpi"] <= analysis["mpi"]["headcount"] <= 1


def test_the_village_analysis_is_the_village_profiles_figures(api, demo):
    from berdaya.community.selectors import village_figures

    body = _json(api("manajer").get(f"/api/v1/villages/{SIDOHARJO}/analysis"))
    figures = village_figures(user=demo.users["manajer"], village=demo.villages[SIDOHARJO])
    assert body["mpi"]["mpi"] == pytest.approx(figures.mpi.mpi)
    assert body["mpi"]["by_status"] == figures.mpi.by_status
    assert [c["enrolled"] for c in body["coverage"]] == [c.enrolled for c in figures.coverage]


# -- reveal -----------------------------------------------------------------------------------


def test_a_manager_reveals_a_nik_with_a_purpose_logged_like_the_page(api, demo):
    person = Person.objects.filter(household__village_id=GIRISEKAR).exclude(nik_hash="").first()
    response = _post(
        api("manajer"), f"/api/v1/persons/{person.pk}/nik/reveal", {"purpose": "Verifikasi PKH"}
    )
    assert _json(response) == {"field": "nik", "value": person.nik}
    assert response["Cache-Control"] == "no-store"
    log = PersonalDataAccess.objects.filter(action="reveal").latest("pk")
    assert (log.user, log.object_type, log.object_id, log.field, log.purpose) == (
        demo.users["manajer"],
        "person",
        str(person.pk),
        "nik",
        "Verifikasi PKH",
    )
    assert log.channel.startswith("api:bdy_")


def test_a_facilitator_cannot_reveal_and_nothing_is_logged(api):
    household = Household.objects.filter(village_id=GIRISEKAR).first()
    before = PersonalDataAccess.objects.filter(action="reveal").count()
    response = _post(
        api("pendamping.girisekar"),
        f"/api/v1/households/{household.pk}/kk/reveal",
        {"purpose": "Ingin tahu"},
    )
    assert response.status_code == 403
    assert PersonalDataAccess.objects.filter(action="reveal").count() == before


def test_a_reveal_without_a_reason_is_refused_with_the_field(api):
    household = Household.objects.filter(village_id=GIRISEKAR).first()
    response = _post(
        api("manajer"), f"/api/v1/households/{household.pk}/kk/reveal", {"purpose": "x"}
    )
    assert response.status_code == 422
    assert [f["field"] for f in _json(response)["fields"]] == ["purpose"]


# -- writes through the services ---------------------------------------------------------------


def _registration(**changes):
    body = {
        "organisation_id": 1,
        "village_code": GIRISEKAR,
        "members": [
            {"name": "Tukiman", "sex": "L", "relation": "head", "birth_date": "1970-05-01"},
            {"name": "Sulastri", "sex": "P", "relation": "spouse"},
        ],
        "dusun": "Blimbing",
        "rt": "003",
    }
    return {**body, **changes}


def test_a_facilitator_registers_a_household_in_their_village(api, demo):
    body = _registration(organisation_id=demo.organisation.pk)
    response = _post(api("pendamping.girisekar"), "/api/v1/households", body)
    assert response.status_code == 201, response.content
    created = _json(response)
    assert created["head"] == "Tukiman" and created["member_count"] == 2
    household = Household.objects.get(pk=created["id"])
    assert household.events.filter(kind="registered").exists()  # the service's own history


def test_a_broken_registration_lists_every_problem_and_writes_nothing(api, demo):
    before = Household.objects.count(), Person.objects.count()
    body = _registration(
        organisation_id=demo.organisation.pk,
        members=[
            {"name": "Tukiman", "sex": "L", "relation": "spouse", "nik": "1234"},
        ],
    )
    response = _post(api("pendamping.girisekar"), "/api/v1/households", body)
    assert response.status_code == 422
    fields = {f["field"] for f in _json(response)["fields"]}
    assert "members.0.nik" in fields
    assert (Household.objects.count(), Person.objects.count()) == before


def test_a_registration_in_another_village_is_refused(api, demo):
    body = _registration(organisation_id=demo.organisation.pk, village_code=SIDOHARJO)
    before = Household.objects.count()
    response = _post(api("pendamping.girisekar"), "/api/v1/households", body)
    assert response.status_code == 403
    assert Household.objects.count() == before


def test_messages_are_indonesian_unless_english_is_asked_for(api):
    indonesian = _json(api("pendamping.girisekar").get("/api/v1/households/999999999"))
    english = _json(
        api("pendamping.girisekar", **{"Accept-Language": "en"}).get("/api/v1/households/999999999")
    )
    assert english["message"] == "Not found, or it belongs to a village you do not work in."
    assert indonesian["message"] != english["message"]
    assert indonesian["code"] == english["code"] == "not_found"


def test_an_unknown_field_or_a_wrong_type_is_a_422_with_the_field(api):
    household = Household.objects.filter(village_id=GIRISEKAR).first()
    client = api("pendamping.girisekar")
    response = _post(client, f"/api/v1/households/{household.pk}", {"colour": "red"}, "patch")
    assert response.status_code == 422
    assert _json(response)["fields"][0]["field"] == "colour"
    response = _post(client, f"/api/v1/households/{household.pk}", {"on": 0}, "patch")
    assert response.status_code == 422


def test_a_household_moves_within_the_village_through_the_service(api):
    household = Household.objects.filter(village_id=GIRISEKAR).first()
    response = _post(
        api("pendamping.girisekar"), f"/api/v1/households/{household.pk}", {"rt": "009"}, "patch"
    )
    assert _json(response)["rt"] == "009"
    assert household.events.filter(kind="household_moved").exists()


# -- rate limits -------------------------------------------------------------------------------


def test_too_many_requests_answer_429_with_retry_after(api, settings):
    from django.core.cache import caches

    caches["ratelimit"].clear()
    settings.BERDAYA_API_RATE_CALLER = "3/min"
    client = api("pendamping.girisekar")
    statuses = [client.get("/api/v1/programmes").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/programmes")
    assert int(response["Retry-After"]) >= 1 and _json(response)["code"] == "rate_limited"
    assert api("manajer").get("/api/v1/programmes").status_code == 200  # another token
    caches["ratelimit"].clear()


def test_an_address_is_limited_before_authentication(settings):
    from django.core.cache import caches

    caches["ratelimit"].clear()
    settings.BERDAYA_API_RATE_IP = "2/min"
    client = Client(headers={"Authorization": "Bearer bdy_00000000_wrong"})
    statuses = [client.get("/api/v1/programmes").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    caches["ratelimit"].clear()


# -- the document ------------------------------------------------------------------------------


def test_the_docs_page_shows_the_openapi_document(db):
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200 and b"swagger-ui" in page.content
    document = _json(Client().get("/api/v1/openapi.json"))
    assert document["openapi"].startswith("3.1")


def test_every_operation_declares_the_error_contract_and_a_unique_id():
    from berdaya.api.main import api as ninja_api

    document = ninja_api.get_openapi_schema()
    ids = []
    for item in document["paths"].values():
        for operation in item.values():
            ids.append(operation["operationId"])
            declared = {str(status) for status in operation["responses"]}
            assert {"400", "401", "403", "404", "409", "422", "429"} <= declared, operation[
                "operationId"
            ]
    assert len(ids) == len(set(ids)) >= 30
