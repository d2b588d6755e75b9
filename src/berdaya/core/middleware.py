"""Tell people why they are back at the login page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.utils.translation import gettext as _


class ExpiredSessionMiddleware:
    """Say "your session has ended" instead of showing a bare login page.

    The session cookie expires in the browser when the session expires on the
    server, so its absence tells nothing. A separate, long-lived marker cookie
    (no personal data: just "this browser was signed in") is set while signed in
    and removed on sign-out; a marker without a session means the session ended
    (timeout, sign-out elsewhere, password change).

    For htmx requests the client is told to load the login page in full, so a
    fragment swap never shows a login form inside a table cell.
    """

    MARKER = "berdaya_was_signed_in"
    MARKER_AGE = 60 * 60 * 24 * 90

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        had_marker = request.COOKIES.get(self.MARKER) == "1"
        was_signed_in = request.user.is_authenticated
        response = self.get_response(request)
        signed_in = request.user.is_authenticated
        if signed_in and not had_marker:
            response.set_cookie(
                self.MARKER,
                "1",
                max_age=self.MARKER_AGE,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        elif was_signed_in and not signed_in:  # signed out on purpose: no warning next time
            response.delete_cookie(self.MARKER, samesite="Lax")
        elif (
            had_marker
            and not signed_in
            and response.status_code == 302
            and _goes_to_login(response)
        ):
            messages.warning(request, _("Your session has ended. Please sign in again."))
            response.delete_cookie(self.MARKER, samesite="Lax")
            if getattr(request, "htmx", False):
                response["HX-Redirect"] = response["Location"]
        return response


def _goes_to_login(response) -> bool:
    from django.urls import reverse

    return response["Location"].startswith(reverse(settings.LOGIN_URL))


class BerdayaErrorMiddleware:
    """Turn a `BerdayaError` that escaped a view into a readable 4xx page or JSON, and a
    database that stayed busy (core.db) into a "busy, try again" 503 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import DatabaseError
        from django.http import JsonResponse
        from django.shortcuts import render

        from .db import RETRY_AFTER, is_busy
        from .errors import BerdayaError

        if isinstance(exception, DatabaseError) and is_busy(exception):
            import logging

            logging.getLogger(__name__).warning("Busy database: %s answered 503", request.path)
            message = _(
                "Berdaya is busy right now and could not save or show this. Nothing was "
                "changed: try again in a few seconds."
            )
            exception = BerdayaError(message)
            exception.status_code = 503
        if not isinstance(exception, BerdayaError):
            return None
        if request.path.startswith("/api/") or "application/json" in request.headers.get(
            "Accept", ""
        ):
            response = JsonResponse(
                {"error": {"message": exception.message, "field": exception.field}},
                status=exception.status_code,
            )
        else:
            response = render(
                request,
                "error.html",
                {"message": exception.message},
                status=exception.status_code,
            )
        if exception.status_code == 503:
            response["Retry-After"] = str(RETRY_AFTER)
        return response


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, and many phones
    in Indonesia are set to English; the product promise is Indonesian first, so
    only the language switch (a cookie) changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Django's "sign in first" for every page, except the REST API.

    The API authenticates each request itself (a personal access token, or the browser's
    session) and answers 401 with its JSON error contract rather than a redirect to a
    sign-in form that a program cannot fill in.
    """

    API_PREFIX = "/api/"

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PrivacyHeadersMiddleware:
    """Headers for personal data: nothing a signed-in user sees stays in a cache.

    * `Cache-Control: no-store` on every response to a signed-in user (names, households,
      figures of a village) unless a view set its own; static files are served before this
      runs and stay cacheable;
    * `Permissions-Policy`: camera, microphone, payment and the like off for every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", settings.BERDAYA_PERMISSIONS_POLICY)
        return response
