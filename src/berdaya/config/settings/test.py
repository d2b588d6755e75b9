"""Settings for the test suite: fixed throw-away keys, fast password hashing."""

import os

os.environ.setdefault(
    "BERDAYA_SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment-0123456789"
)
# Fixed test keys (32 random bytes, url-safe base64), never used outside tests.
os.environ.setdefault(
    "BERDAYA_FIELD_KEYS",
    "dGVzdC1rZXktZm9yLXRlc3RzLW9ubHktMzItYnl0ZXM=",
)
os.environ.setdefault("BERDAYA_HASH_KEY", "dGVzdC1oYXNoLWtleS1mb3ItdGVzdHMtb25seS0zMmI=")

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if DATABASES["default"]["ENGINE"] == "berdaya.core.sqlite":
    DATABASES["default"]["TEST"] = {"NAME": env.str("BERDAYA_TEST_SQLITE", default=":memory:")}

# Static files come from the finders; nothing is collected for tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Background jobs run inline in tests, so an import finishes within the request.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The replayed KoboToolbox / ODK Central servers of the intake tests run on 127.0.0.1.
BERDAYA_INTAKE_PRIVATE_SERVERS = True

# The API's rate limits stay out of the way of the suite (Schemathesis makes many calls);
# the rate-limit tests set low ones themselves.
BERDAYA_API_RATE_CALLER = "100000/min"
BERDAYA_API_RATE_IP = "100000/min"
