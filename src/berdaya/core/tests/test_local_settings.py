"""`make run` is a real deployment on a village hall's laptop: no Django debug pages unless a
developer asks (BERDAYA_DEBUG=1), and static files compressed and cache-busted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

SHOW = (
    "import json; from berdaya.config.settings import local; "
    "print(json.dumps([local.DEBUG, local.STORAGES['staticfiles']['BACKEND']]))"
)


def _local_settings(**env) -> tuple[bool, str]:
    environment = {k: v for k, v in os.environ.items() if k != "BERDAYA_DEBUG"}
    environment.update(env)
    out = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", SHOW], env=environment, capture_output=True, text=True, check=True
    )
    debug, storage = json.loads(out.stdout)
    return debug, storage


def test_make_run_has_no_debug_pages_and_compressed_cache_busted_static_files():
    debug, storage = _local_settings()
    assert debug is False
    assert storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_developer_asks_for_debug():
    debug, storage = _local_settings(BERDAYA_DEBUG="1")
    assert debug is True
    assert storage == "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.mark.django_db
def test_an_unknown_address_gets_berdayas_own_page_in_indonesian(login):
    response = login("pendamping.girisekar").get("/tidak-ada/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body or "Tidak ditemukan" in body
    assert "URLconf" not in body and "Using the URLconf" not in body


def test_pages_are_sent_compressed(client: Client, db):
    response = client.get("/masuk/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
