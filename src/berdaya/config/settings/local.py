"""Settings for `make run` on a developer's or facilitator's own machine."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("BERDAYA_DEBUG", default=True)

# Serve static files straight from the finders (src/berdaya/static and node_modules).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
