"""The API isolation walk: every operation of the OpenAPI document, with a facilitator's token.

Like the URL walk (tests/isolation.py), from the document itself, so a new operation is
walked from the day it is written:

* an operation whose path names an object (`{household_id}`, `{village_code}`, ...) must
  answer **404** for the object of village B, whatever the method, and must work for the
  object of village A (not 403, 404 or a server error) — so the 404 is the access rule;
* a list must return nothing of village B (every `village_code` in the answer is A's);
* a create with village B in its body is refused (403 or 404) and writes nothing.

Path keywords come from `tests.isolation.OBJECT_KWARGS`; an operation with a body needs a
sample body here (`BODIES`, by operation id), or the walk reports it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from .isolation import OBJECT_KWARGS

# Operations on public reference data (area names and codes): both villages answer.
REFERENCE = {"village_get"}
# Operations the facilitator's role may not do even in village A (403 by role, not 404).
ROLE_REFUSED = {"household_kk_reveal", "person_nik_reveal"}

Body = Callable[[dict[str, str]], dict[str, Any]]

BODIES: dict[str, Body] = {
    "household_update": lambda o: {"dusun": "Blimbing"},
    "household_member_add": lambda o: {
        "name": "Bayi Walk",
        "sex": "P",
        "relation": "child",
        "born": True,
        "birth_date": "2025-06-01",
    },
    "household_kk_reveal": lambda o: {"purpose": "Verifikasi data PKH"},
    "person_nik_reveal": lambda o: {"purpose": "Verifikasi data PKH"},
    "institution_update": lambda o: {"meets": "setiap bulan"},
    "activity_update": lambda o: {"notes": "Dikoreksi lewat API"},
    "plan_problem_add": lambda o: {"title": "Air bersih sulit di musim kemarau"},
    "group_member_add": lambda o: {"person_id": int(o["person_id"]), "joined_on": "2025-06-01"},
}

# Creates that name their village (and organisation or programme) in the body.
CREATES: dict[str, Body] = {
    "household_create": lambda o: {
        "organisation_id": int(o["organisation_id"]),
        "village_code": o["village_code"],
        "members": [{"name": "Walk Kepala", "sex": "L", "relation": "head"}],
    },
    "institution_create": lambda o: {
        "village_code": o["village_code"],
        "kind": "arisan",
        "name": "Arisan Walk",
    },
    "activity_create": lambda o: {
        "programme_id": int(o["programme_id"]),
        "village_code": o["village_code"],
        "kind": "visit",
        "title": "Kunjungan walk",
        "held_on": "2025-06-01",
        "initiated_by": "facilitator",
        "stage": "pemetaan",
        "level": "micro",
    },
    "plan_create": lambda o: {
        "programme_id": int(o["programme_id"]),
        "village_code": o["village_code"],
        "title": "Rencana walk",
        "started_on": "2025-06-01",
    },
    "group_create": lambda o: {
        "organisation_id": int(o["organisation_id"]),
        "village_code": o["village_code"],
        "name": "Kelompok Walk",
        "kind": "savings",
        "existed_before_programme": False,
    },
}


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            yield path, method, operation, params


def _call(client: Client, method: str, url: str, body: dict | None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json"
    )


def _village_codes(data) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "village_code" and isinstance(value, str):
                found.add(value)
            else:
                found |= _village_codes(value)
    elif isinstance(data, list):
        for value in data:
            found |= _village_codes(value)
    return found


def check_operations(
    schema: dict,
    *,
    client: Client,
    objects_a: dict[str, str],
    objects_b: dict[str, str],
    count_rows: Callable[[], int],
) -> list[str]:
    """The problems found (empty when every operation honours the access rule)."""
    problems: list[str] = []
    village_a = objects_a["village_code"]
    for path, method, operation, params in _operations(schema):
        op = operation["operationId"]
        has_body = "requestBody" in operation
        unknown = [p for p in params if p not in OBJECT_KWARGS]
        if unknown:
            problems.append(f"{op}: path keyword(s) {unknown} unknown; add to OBJECT_KWARGS")
            continue
        if not params:
            if method == "get":
                response = client.get(path)
                if response.status_code >= 500:
                    problems.append(f"{op}: {response.status_code}")
                elif response.status_code == 200:
                    leaked = _village_codes(response.json()) - {village_a}
                    if leaked:
                        problems.append(f"{op}: listed objects of {sorted(leaked)}")
            elif op in CREATES:
                before = count_rows()
                body = CREATES[op](objects_b)
                response = _call(client, method, path, body)
                if response.status_code not in (403, 404):
                    problems.append(
                        f"{op}: a create in village B got {response.status_code}, "
                        "expected 403 or 404"
                    )
                if count_rows() != before:
                    problems.append(f"{op}: a refused create in village B wrote rows")
                response = _call(client, method, path, CREATES[op](objects_a))
                if response.status_code != 201:
                    problems.append(
                        f"{op}: a create in village A got {response.status_code}: "
                        f"{response.content[:200]!r}"
                    )
            else:
                problems.append(f"{op}: a create the walk does not know; add it to CREATES")
            continue
        if has_body and op not in BODIES:
            problems.append(f"{op}: has a body; add a sample to BODIES in tests/api_isolation.py")
            continue

        def url(objects, path=path, params=params):
            result = path
            for name in params:
                result = result.replace("{" + name + "}", OBJECT_KWARGS[name](objects))
            return result

        body_b = BODIES[op](objects_b) if has_body else None
        response = _call(client, method, url(objects_b), body_b)
        expected_b = 200 if op in REFERENCE else 404
        if response.status_code != expected_b:
            problems.append(
                f"{op} ({method.upper()} {url(objects_b)}): a facilitator of village A got "
                f"{response.status_code} for an object of village B, expected {expected_b}"
            )
        body_a = BODIES[op](objects_a) if has_body else None
        response = _call(client, method, url(objects_a), body_a)
        refused = {403, 404} if op not in ROLE_REFUSED else {404}
        if response.status_code in refused or response.status_code >= 500:
            problems.append(
                f"{op} ({method.upper()} {url(objects_a)}): a facilitator of village A got "
                f"{response.status_code} for an object of village A"
            )
        if op in ROLE_REFUSED and response.status_code != 403:
            problems.append(f"{op}: a facilitator got {response.status_code}, expected 403")
    return problems
