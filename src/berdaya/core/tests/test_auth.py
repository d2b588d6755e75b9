"""Signing in and out, and what happens when a session ends."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _

from berdaya.accounts.testing import signed_in
from berdaya.core.models import User
from berdaya.core.views import LoginForm
from berdaya.demo.community import DEMO_PASSWORD

SESSION_ENDED = "Your session has ended. Please sign in again."


def _invalid_login_message(language: str) -> str:
    with translation.override(language):
        username = User._meta.get_field(User.USERNAME_FIELD).verbose_name
        return str(LoginForm.error_messages["invalid_login"]) % {"username": username}


def _session_ended_message() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(SESSION_ENDED)


def test_a_wrong_password_shows_the_login_page_again_with_an_indonesian_error(demo):
    response = Client().post("/masuk/", {"username": "manajer", "password": "salah-sandi"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors()
    assert 'data-testid="login-error"' in response.content.decode()
    indonesian = _invalid_login_message("id")
    assert indonesian != _invalid_login_message("en")  # translated
    assert list(form.non_field_errors()) == [indonesian]
    assert indonesian in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_right_password_signs_in_and_goes_to_the_dashboard(demo):
    client = Client()
    response = client.post(
        "/masuk/", {"username": "pendamping.girisekar", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_signing_in_returns_to_the_page_that_was_asked_for(demo):
    client = Client()
    response = client.post(
        "/masuk/?next=/program/",
        {"username": "manajer", "password": DEMO_PASSWORD, "next": "/program/"},
    )
    assert response["Location"] == "/program/"


def test_signing_in_never_redirects_to_another_site(demo):
    response = Client().post(
        "/masuk/",
        {"username": "manajer", "password": DEMO_PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_an_anonymous_visitor_is_sent_to_the_login_page(demo):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/masuk/?next=/"


def test_the_login_page_does_not_talk_about_an_ended_session_on_a_first_visit(demo):
    client = Client()
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/masuk/?next=/", 302)]
    assert _session_ended_message() not in response.content.decode()


def _signed_in_client(demo) -> Client:
    client = Client()
    signed_in(client, demo.users["manajer"])
    assert client.get("/").status_code == 200
    return client


def test_a_session_ended_on_the_server_sends_the_user_to_login_with_an_explanation(demo):
    client = _signed_in_client(demo)
    Session.objects.all().delete()  # expired and cleared, or ended on another device

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/masuk/?next=/"

    login_page = client.get(response["Location"])
    assert login_page.status_code == 200
    assert _session_ended_message() in login_page.content.decode()


def test_a_flushed_session_is_treated_as_ended_too(demo):
    client = _signed_in_client(demo)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=session_key).delete()
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session_key

    response = client.get("/program/", follow=True)
    assert response.redirect_chain[0] == ("/masuk/?next=/program/", 302)
    assert _session_ended_message() in response.content.decode()


def test_an_htmx_request_after_the_session_ended_is_told_to_load_the_login_page(demo):
    client = _signed_in_client(demo)
    Session.objects.all().delete()

    response = client.get("/wilayah/cari/", {"q": "Giri"}, headers={"HX-Request": "true"})
    assert response.status_code == 302
    assert response["HX-Redirect"] == response["Location"]
    assert response["HX-Redirect"].startswith("/masuk/")


def test_an_ordinary_request_gets_no_htmx_redirect_header(demo):
    client = _signed_in_client(demo)
    Session.objects.all().delete()
    response = client.get("/")
    assert response.status_code == 302
    assert "HX-Redirect" not in response


def test_logout_is_post_only(demo):
    client = _signed_in_client(demo)
    assert client.get("/keluar/").status_code == 405
    assert client.get("/").status_code == 200  # still signed in


def test_logout_ends_the_session(demo):
    client = _signed_in_client(demo)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post("/keluar/")
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")
    assert not Session.objects.filter(session_key=session_key).exists()
    # The browser is told to forget the cookie, so it will not look like an expired session.
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value == ""
    assert cookie["max-age"] == 0

    after = client.get("/")
    assert after.status_code == 302
    assert after["Location"] == "/masuk/?next=/"


def test_a_session_that_timed_out_in_the_browser_too_still_gets_the_explanation(demo):
    client = _signed_in_client(demo)
    # The browser drops an expired session cookie; only the marker remains.
    del client.cookies[settings.SESSION_COOKIE_NAME]
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/masuk/?next=/", 302)]
    assert _session_ended_message() in response.content.decode()
    # Said once: the next visit to the login page is quiet.
    assert _session_ended_message() not in client.get("/masuk/").content.decode()


def test_signing_out_on_purpose_is_not_reported_as_an_ended_session(demo):
    client = _signed_in_client(demo)
    client.post("/keluar/")
    response = client.get("/", follow=True)
    assert _session_ended_message() not in response.content.decode()
