"""Settings for benchmarks/bench_web.py: the test settings' fixed throw-away keys (never a real
deployment's), DEBUG off, background jobs inline, and one extra URL for the plain-Django floor."""

from berdaya.config.settings.test import *  # noqa: F403

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "web.urls"
WHITENOISE_AUTOREFRESH = False
INSTALLED_APPS = [*INSTALLED_APPS, "web"]  # noqa: F405  (the floor's template)
