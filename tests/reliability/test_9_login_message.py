"""Finding 9: the login error repeated a word ("nama pengguna nama pengguna")."""

from __future__ import annotations

import itertools
import re

from django.test import Client


def test_the_indonesian_login_error_says_each_word_once(demo):
    response = Client().post("/masuk/", {"username": "manajer", "password": "salah"})
    assert response.status_code == 200
    errors = [str(e) for e in response.context["form"].non_field_errors()]
    assert len(errors) == 1
    message = errors[0].lower()
    assert "nama pengguna" in message
    words = re.findall(r"\w+", message)
    repeated = [a for a, b in itertools.pairwise(words) if a == b]
    pairs = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)]
    assert not repeated
    assert pairs.count("nama pengguna") == 1
