"""Rate limits: per caller (token or signed-in user) and per IP address, answering 429.

Counts live in the `ratelimit` cache (settings.CACHES). It is Django's local-memory cache:
no extra server, and nothing is written to the database per request. So each worker
process counts on its own; with W workers a caller may make up to W × the rate before
every worker refuses. That is a limit against runaway scripts and scraping, not an exact
quota (sign-in guessing is stopped by django-axes, in the database, across workers).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from ninja.throttling import SimpleRateThrottle


class _Throttle(SimpleRateThrottle):
    @property
    def cache(self):  # resolved per use: tests swap settings
        return caches["ratelimit"]


class CallerRateThrottle(_Throttle):
    """Per token, or per signed-in user for the browser's session."""

    scope = "caller"

    def __init__(self):
        super().__init__(rate=settings.BERDAYA_API_RATE_CALLER)

    def allow_request(self, request) -> bool:
        self.rate = settings.BERDAYA_API_RATE_CALLER
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        from .auth import principal_key

        return f"berdaya-rate:caller:{principal_key(request)}"


class IPRateThrottle(_Throttle):
    """Per client address, before authentication (so failed tokens count too)."""

    scope = "ip"

    def __init__(self):
        super().__init__(rate=settings.BERDAYA_API_RATE_IP)

    def get_cache_key(self, request):
        return f"berdaya-rate:ip:{request.META.get('REMOTE_ADDR', '')}"
