"""The isolation walk: every URL of the project, as an outsider and as a facilitator.

For each URL pattern it proves two things:

* an anonymous visitor is sent to the sign-in page (except the few public URLs);
* a facilitator of village A gets 404 for every object of village B, while the
  same URL with an object of village A works (so a 404 is the access rule and
  not a broken view).

URL keyword arguments name their object (`household_id`, `programme_id`, ...).
A pattern with a keyword this module does not know makes the walk fail: a new
app registers its keywords in `OBJECT_KWARGS` and is covered from then on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# URLs anyone may open without signing in.
PUBLIC = {
    "core:login",
    "core:healthz",
    "core:service-worker",
    "set_language",
    "admin:login",
    # A programme's published transparency page: aggregates only, proved by
    # `public_page_problems` below and berdaya/transparency/tests.
    "transparency:public",
}
# Django's admin has its own sign-in and staff check; the walk checks it refuses non-staff.
ADMIN_NAMESPACE = "admin"
ADMIN_KWARGS = {
    "app_label": "core",
    "object_id": "1",
    "id": "1",
    "content_type_id": "1",
    "url": "x",
    "pk": "1",  # django-otp's admin pages of an authenticator (QR code)
}


@dataclass
class World:
    """Objects the walk needs: village A is the facilitator's, village B is not."""

    facilitator: Any
    objects_a: dict[str, str]
    objects_b: dict[str, str]


# keyword -> how to read the object of village A / B from the world.
OBJECT_KWARGS: dict[str, Callable[[dict[str, Any]], str]] = {
    "village_code": lambda objects: objects["village_code"],
    "programme_id": lambda objects: objects["programme_id"],
    "household_id": lambda objects: objects["household_id"],
    "import_id": lambda objects: objects["import_id"],
    "person_id": lambda objects: objects["person_id"],
    "consent_id": lambda objects: objects["consent_id"],
    "institution_id": lambda objects: objects["institution_id"],
    "past_programme_id": lambda objects: objects["past_programme_id"],
    "capital_item_id": lambda objects: objects["capital_item_id"],
    "activity_id": lambda objects: objects["activity_id"],
    "attachment_id": lambda objects: objects["attachment_id"],
    "group_id": lambda objects: objects["group_id"],
    "cycle_id": lambda objects: objects["cycle_id"],
    "cadre_id": lambda objects: objects["cadre_id"],
    # savings: a group's books, meetings, passbooks, loans, cycles, postings
    "book_id": lambda objects: objects["book_id"],
    "meeting_id": lambda objects: objects["meeting_id"],
    "membership_id": lambda objects: objects["membership_id"],
    "loan_id": lambda objects: objects["loan_id"],
    "savings_cycle_id": lambda objects: objects["savings_cycle_id"],
    "transaction_id": lambda objects: objects["transaction_id"],
    # learning
    "story_id": lambda objects: objects["story_id"],
    "story_attachment_id": lambda objects: objects["story_attachment_id"],
    "panel_id": lambda objects: objects["panel_id"],
    "indicator_id": lambda objects: objects["indicator_id"],
    "empowerment_id": lambda objects: objects["empowerment_id"],
    "graduation_id": lambda objects: objects["graduation_id"],
    "review_id": lambda objects: objects["review_id"],
    # partnerships and advocacy
    "agreement_id": lambda objects: objects["agreement_id"],
    "commitment_id": lambda objects: objects["commitment_id"],
    "case_id": lambda objects: objects["case_id"],
    # A public page's address: A is the demo programme's (published), B one never published.
    "public_slug": lambda objects: objects["public_slug"],
    # reports: a generated report covering only village A / only village B
    "report_id": lambda objects: objects["report_id"],
    # A personal access token: A is the facilitator's own, B another user's.
    "token_id": lambda objects: objects["token_id"],
    # intake: a KoboToolbox connection of village A / B and a pull of it
    "connection_id": lambda objects: objects["connection_id"],
    "pull_id": lambda objects: objects["pull_id"],
}
# The REST API answers in JSON (401, not a redirect) and its operations need methods and
# bodies: tests/api_isolation.py walks every operation of its OpenAPI document instead.
API_NAMESPACE = "api"


@dataclass(frozen=True)
class Route:
    name: str
    regex: str
    kwargs: tuple[str, ...]
    pattern: URLPattern
    namespace: str


def routes(resolver: URLResolver | None = None) -> Iterator[Route]:
    """Every concrete URL pattern with its namespaced name and keyword names."""

    def walk(patterns, namespace: str, prefix_kwargs: tuple[str, ...]):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                space = entry.namespace or ""
                full = f"{namespace}:{space}" if namespace and space else (space or namespace)
                yield from walk(
                    entry.url_patterns,
                    full,
                    prefix_kwargs + tuple(entry.pattern.regex.groupindex),
                )
            else:
                if entry.name is None:
                    name = ""
                else:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                kwargs = prefix_kwargs + tuple(entry.pattern.regex.groupindex)
                yield Route(name, str(entry.pattern), kwargs, entry, namespace)

    yield from walk((resolver or get_resolver()).url_patterns, "", ())


def _url(route: Route, values: dict[str, str]) -> str:
    from django.urls import reverse

    return reverse(route.name, kwargs={key: values[key] for key in route.kwargs})


def _fetch(client: Client, url: str):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url, {})
    return response


def check_routes(world: World, *, urlconf: str | None = None) -> list[str]:
    """Return the problems found (empty when every route honours the access rule)."""
    problems: list[str] = []
    anonymous = Client()
    facilitator = Client()
    facilitator.force_login(world.facilitator)
    login_url = settings.LOGIN_URL
    from django.urls import reverse

    login_path = reverse(login_url)
    for route in routes(get_resolver(urlconf)):
        if not route.name and route.namespace == ADMIN_NAMESPACE:
            continue  # the admin's catch-all patterns; its named pages are walked
        if route.namespace == API_NAMESPACE:
            continue  # walked operation by operation in tests/api_isolation.py
        if not route.name:
            problems.append(f"{route.regex}: has no name, so the walk cannot reverse it")
            continue
        is_admin = route.name.split(":")[0] == ADMIN_NAMESPACE
        known = {**ADMIN_KWARGS} if is_admin else {}
        unknown = [k for k in route.kwargs if k not in known and k not in OBJECT_KWARGS]
        if unknown:
            problems.append(
                f"{route.name}: keyword(s) {unknown} unknown to the isolation walk; "
                "register them in tests/isolation.py OBJECT_KWARGS"
            )
            continue

        def values_for(objects):
            return {k: known.get(k) or OBJECT_KWARGS[k](objects) for k in route.kwargs}  # noqa: B023

        url_b = _url(route, values_for(world.objects_b))
        if route.name in PUBLIC:
            continue
        response = _fetch(anonymous, url_b)
        if is_admin:
            if response.status_code == 200:
                problems.append(f"{route.name}: admin page open to anonymous users")
        elif response.status_code != 302 or not response["Location"].startswith(login_path):
            problems.append(
                f"{route.name} ({url_b}): anonymous got {response.status_code}, "
                "expected a redirect to sign in"
            )
        if is_admin:
            response = _fetch(facilitator, url_b)
            if response.status_code == 200:
                problems.append(f"{route.name}: admin page open to a non-staff facilitator")
            continue
        if not route.kwargs:
            continue
        response = _fetch(facilitator, url_b)
        if response.status_code != 404:
            problems.append(
                f"{route.name} ({url_b}): a facilitator of village A got "
                f"{response.status_code} for an object of village B, expected 404"
            )
        url_a = _url(route, values_for(world.objects_a))
        response = _fetch(facilitator, url_a)
        if response.status_code in (403, 404) or response.status_code >= 500:
            problems.append(
                f"{route.name} ({url_a}): a facilitator of village A got "
                f"{response.status_code} for an object of village A; the walk "
                "cannot tell the access rule from a broken view"
            )
    return problems


def public_page_problems(text: str, *, names, identifiers, coordinates) -> list[str]:
    """What a public page shows that it must not: a person's name, a NIK or KK, or the
    location of a home (as stored or rounded to four decimals)."""
    problems = [f"name {name!r}" for name in names if name and name in text]
    problems += [f"identifier {i[:4]}…" for i in identifiers if i and i in text]
    for latitude, longitude in coordinates:
        for value in (latitude, longitude):
            if repr(value) in text or f"{value:.4f}" in text:
                problems.append(f"coordinate {value:.2f}…")
    return problems
