"""The reasons behind a champion's rank, in English and Indonesian.

A tiny message table instead of gettext: the library has no Django and no catalogue. Each
reason has a code, structured values (kept as columns of the ranking) and a template per
language. Add a language by adding a key to every entry.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES = ("en", "id")

MESSAGES: Mapping[str, Mapping[str, str]] = {
    "advice": {
        "en": "asked for advice by {n} {people} (top {top}%)",
        "id": "dimintai nasihat oleh {n} orang ({top}% teratas)",
    },
    "ties": {
        "en": "has ties with {n} {people} (top {top}%)",
        "id": "punya hubungan dengan {n} orang ({top}% teratas)",
    },
    "bridge": {
        "en": "links {k} communities",
        "id": "menghubungkan {k} komunitas",
    },
    "between": {
        "en": "often the link between other people (top {top}% for betweenness)",
        "id": "sering menjadi penghubung antarwarga ({top}% teratas untuk keterantaraan)",
    },
    "listened": {
        "en": "listened to by people who are themselves listened to (top {top}% for PageRank)",
        "id": "didengar oleh warga yang juga banyak didengar ({top}% teratas untuk PageRank)",
    },
    "insider": {
        "en": "lives in a poor household: a voice from inside",
        "id": "tinggal di rumah tangga miskin: suara dari dalam",
    },
    "no_ties": {
        "en": "no ties recorded",
        "id": "belum ada hubungan yang tercatat",
    },
}


def say(code: str, language: str, **values: object) -> str:
    """One reason as text, e.g. say("advice", "id", n=14, top=5)."""
    n = values.get("n")
    people = "person" if n == 1 else "people"
    return MESSAGES[code][language].format(people=people, **values)


def sentence(parts: list[tuple[str, dict[str, object]]], language: str) -> str:
    """Reasons joined into one sentence, capitalised: "Asked for advice by 14 people ...; ..."."""
    text = "; ".join(say(code, language, **values) for code, values in parts)
    return text[:1].upper() + text[1:]
