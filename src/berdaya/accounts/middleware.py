"""Managers and administrators reach no page before their second factor (see twofactor)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect

from .twofactor import has_authenticator, must_verify

# Paths an unverified user may still open: the two-step pages, sign-out, the language
# switch, health checks and static files. The API checks the session itself (auth.py).
OPEN_PREFIXES = ("/profil/dua-langkah/", "/keluar/", "/i18n/", "/healthz", "/api/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path_info
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not path.startswith(OPEN_PREFIXES)
            and not path.startswith("/" + settings.STATIC_URL.lstrip("/"))
            and must_verify(user)
        ):
            target = "accounts:otp-verify" if has_authenticator(user) else "accounts:otp-setup"
            response = redirect(target)
            response["Location"] += "?" + urlencode({"next": request.get_full_path()})
            if getattr(request, "htmx", False):
                response["HX-Redirect"] = response["Location"]
            return response
        return self.get_response(request)
