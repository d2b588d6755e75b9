"""Signing in: lockout after wrong passwords, the second factor, tokens on the profile page."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from berdaya.accounts.models import PersonalAccessToken
from berdaya.accounts.testing import signed_in
from berdaya.demo import DEMO_PASSWORD
from berdaya.demo.security import demo_code

pytestmark = pytest.mark.usefixtures("demo")


def _wrong(client, username="pendamping.girisekar", times=1, **extra):
    for _ in range(times):
        response = client.post(
            "/masuk/", {"username": username, "password": "salah-sekali"}, **extra
        )
    return response


# -- lockout ------------------------------------------------------------------------------


def test_ten_wrong_passwords_lock_the_account_with_a_clear_message():
    client = Client()
    assert _wrong(client, times=9).status_code == 200  # the form again, with its error
    locked = _wrong(client)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert 'data-testid="lockout-message"' in text and "30" in text
    # Even the right password is refused now, from this or another address.
    again = Client().post(
        "/masuk/",
        {"username": "pendamping.girisekar", "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.9.9.9",
    )
    assert again.status_code == 429


def test_ten_wrong_passwords_from_one_address_lock_that_address_for_every_username():
    client = Client()
    for username in [f"tamu{n}" for n in range(10)]:
        _wrong(client, username=username, REMOTE_ADDR="10.1.1.1")
    right = client.post(
        "/masuk/", {"username": "pemantau", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert right.status_code == 429
    elsewhere = Client().post(
        "/masuk/", {"username": "pemantau", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.2.2.2"
    )
    assert elsewhere.status_code == 302


def test_an_administrator_unlocks_an_account():
    from axes.utils import reset

    _wrong(Client(), times=10)
    reset(username="pendamping.girisekar")
    response = Client().post(
        "/masuk/", {"username": "pendamping.girisekar", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_the_admin_sign_in_is_locked_too():
    client = Client()
    for _ in range(10):
        client.post("/admin/login/", {"username": "admin", "password": "salah", "next": "/admin/"})
    response = client.post("/admin/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 429


# -- the second factor --------------------------------------------------------------------


def test_a_manager_reaches_no_page_before_the_second_factor(demo, settings):
    # django-otp makes a device wait 1 s, 2 s, 4 s... after each wrong code; this test
    # sends the right one straight after a wrong one.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    response = client.post("/masuk/", {"username": "manajer", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    for url in ("/", "/registri/rumah-tangga/", "/program/", "/profil/", "/admin/"):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page["Location"].startswith("/profil/dua-langkah/?next="), url
    assert client.get("/api/v1/households").status_code == 401  # the API's session too
    wrong = client.post("/profil/dua-langkah/", {"code": "000000", "next": "/"})
    assert wrong.status_code == 422
    right = client.post("/profil/dua-langkah/", {"code": demo_code(), "next": "/program/"})
    assert right["Location"] == "/program/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/households?limit=1").status_code == 200


def test_a_facilitator_needs_no_second_factor_but_may_turn_it_on(demo):
    client = Client()
    client.post("/masuk/", {"username": "pendamping.girisekar", "password": DEMO_PASSWORD})
    assert client.get("/").status_code == 200
    setup = client.get("/profil/dua-langkah/atur/")
    assert setup.status_code == 200 and b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=demo.users["pendamping.girisekar"], confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    done = client.post("/profil/dua-langkah/atur/", {"code": code, "next": "/"})
    assert done.status_code == 200
    codes = StaticToken.objects.filter(device__user=demo.users["pendamping.girisekar"])
    assert codes.count() == 10
    shown = done.content.decode()
    assert all(token.token in shown for token in codes)
    # From now on this facilitator is asked for a code at every sign-in.
    other = Client()
    other.post("/masuk/", {"username": "pendamping.girisekar", "password": DEMO_PASSWORD})
    assert other.get("/")["Location"].startswith("/profil/dua-langkah/")
    # A recovery code works once.
    recovery = codes.first().token
    assert other.post("/profil/dua-langkah/", {"code": recovery, "next": "/"}).status_code == 302
    third = Client()
    third.post("/masuk/", {"username": "pendamping.girisekar", "password": DEMO_PASSWORD})
    assert third.post("/profil/dua-langkah/", {"code": recovery}).status_code == 422


def test_a_manager_cannot_turn_the_second_factor_off(login):
    response = login("manajer").post("/profil/dua-langkah/matikan/")
    assert response.status_code == 403


# -- tokens on the profile page -----------------------------------------------------------


def test_a_token_is_made_on_the_profile_page_shown_once_and_revoked(login, demo):
    client = login("pendamping.girisekar")
    made = client.post(
        "/profil/",
        {"name": "OpenSID", "scope": "write", "expires_in_days": "90", "password": DEMO_PASSWORD},
    )
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    token = PersonalAccessToken.objects.get(user=demo.users["pendamping.girisekar"])
    text = made.content.decode()
    secret = text.split('data-testid="token-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix + "_")
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/households?limit=1").status_code == 200
    assert secret not in client.get("/profil/").content.decode()  # shown once
    client.post(f"/profil/token/{token.pk}/cabut/")
    assert api.get("/api/v1/households?limit=1").status_code == 401


def test_making_a_token_asks_for_the_password_and_wrong_ones_count_toward_lockout(login, demo):
    client = login("pendamping.girisekar")
    for _ in range(9):
        response = client.post(
            "/profil/", {"name": "x", "scope": "read", "expires_in_days": "7", "password": "salah"}
        )
        assert response.status_code == 422
    assert not PersonalAccessToken.objects.exists()
    response = client.post(
        "/profil/", {"name": "x", "scope": "read", "expires_in_days": "7", "password": "salah"}
    )
    locked = client.post(
        "/profil/",
        {"name": "x", "scope": "read", "expires_in_days": "7", "password": DEMO_PASSWORD},
    )
    assert "30" in locked.content.decode() and not PersonalAccessToken.objects.exists()
    assert response.status_code in (422, 429)


def test_another_users_token_cannot_be_revoked(login, demo):
    from berdaya.accounts.services import token_create

    theirs = token_create(user=demo.users["manajer"], name="x", scope="read", expires_in_days=7)
    response = login("pendamping.girisekar").post(f"/profil/token/{theirs.token.pk}/cabut/")
    assert response.status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None


def test_the_test_helper_signs_past_the_second_factor(demo):
    client = signed_in(Client(), demo.users["manajer"])
    assert client.get("/").status_code == 200
