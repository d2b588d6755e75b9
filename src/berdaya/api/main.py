"""The REST API at /api/v1/: one NinjaAPI, one router per app (`routers/<app>.py`).

Adding an app's endpoints: write `routers/<app>.py` with a `router`, calling the app's
selectors and services only, and add one line to `ROUTERS`. Every operation declares
the error contract (`errors.responses`), and every object in a path answers 404 outside
the caller's villages (tests/api_isolation.py walks them all).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from berdaya.core import channel

from . import errors
from .auth import SessionAuth, TokenAuth
from .routers import analysis, areas, community, facilitation, groups, planning, programmes
from .routers import registry as registry_router
from .throttling import CallerRateThrottle

ROUTERS = (
    ("", areas.router),
    ("", programmes.router),
    ("", registry_router.router),
    ("", community.router),
    ("", facilitation.router),
    ("", planning.router),
    ("", groups.router),
    ("", analysis.router),
)


class BerdayaAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Operation ids are the view functions' names (`household_list`): short, stable,
        # unique (a test checks it), and what the isolation walk registers bodies by.
        return operation.view_func.__name__


def _language(request) -> str:
    """Indonesian unless the client asks for English (header or the language cookie)."""
    languages = dict(settings.LANGUAGES)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in languages:
        return chosen
    header = request.headers.get("Accept-Language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in languages:
            return code
        if code:
            break  # the client's first choice is one we do not have: stay Indonesian
    return settings.LANGUAGE_CODE


def around_every_request(view):
    """Language, access channel and `Cache-Control: no-store` for every API response."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        language = _language(request)
        reset = channel.channel_set(channel.API_SESSION)
        try:
            with translation.override(language):
                response = view(request, *args, **kwargs)
        finally:
            channel.channel_reset(reset)
        response["Cache-Control"] = "no-store"  # answers carry personal data
        response["Content-Language"] = language
        return response

    return wrapper


api = BerdayaAPI(
    title="Berdaya API",
    version="1",
    description=(
        "The data of Berdaya under the same access rule as its pages. Authenticate with a "
        "personal access token (`Authorization: Bearer bdy_…`, made on your profile page) "
        "or, from the browser, the signed-in session. NIK and KK are masked; the reveal "
        "operations return a full number to managers and administrators, and log it. Lists "
        "use cursor pagination: pass `next` as `cursor`. Errors are always "
        "`{code, message, fields}`, in Indonesian unless you send `Accept-Language: en`."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
    auth=[TokenAuth(), SessionAuth()],
    throttle=[CallerRateThrottle()],
)
errors.install(api)
api.add_decorator(around_every_request, mode="view")
for prefix, router in ROUTERS:
    api.add_router(prefix, router)
