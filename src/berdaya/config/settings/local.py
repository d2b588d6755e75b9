"""Settings for `make run` on a developer's or facilitator's own machine.

A pilot run from `make run` on a village hall's laptop is a real deployment: no debug pages
(Berdaya's own 404/500 pages in Indonesian), static files compressed and cache-busted by
WhiteNoise from `var/static` (the Makefile's `run` collects them). A developer who wants
Django's debug pages and edits of CSS/JS seen at once sets BERDAYA_DEBUG=1.
"""

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = env.bool("BERDAYA_DEBUG", default=False)

if DEBUG:
    # Serve static files straight from the finders (src/berdaya/static and node_modules).
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
else:
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
