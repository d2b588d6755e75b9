"""Settings shared by every environment.

Every value that differs between machines comes from the environment (or a
`.env` file at the project root, which `make run` creates with fresh keys).
The settings that exist are listed in docs/settings.md; a test keeps the two
in step.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

SRC_DIR = Path(__file__).resolve().parents[2]  # src/berdaya
PROJECT_DIR = SRC_DIR.parents[1]  # the repository root

env = environ.Env()
environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)


def secret(name: str) -> str:
    """A required secret, taken literally.

    django-environ reads a value that starts with "$" as the name of another
    variable, and Django's own key generator can produce such a secret key.
    """
    value = env.ENVIRON.get(name)
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable (see docs/settings.md).")
    return value


DEBUG = env.bool("BERDAYA_DEBUG", default=False)
SECRET_KEY = secret("BERDAYA_SECRET_KEY")
ALLOWED_HOSTS = env.list("BERDAYA_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("BERDAYA_CSRF_TRUSTED_ORIGINS", default=[])

# Personal-data keys (UU PDP No. 27/2022). FIELD_KEYS encrypt NIK/KK at rest: the
# first key encrypts, every key decrypts, so a new key is rotated in by putting it
# first (see docs/privacy.md). HASH_KEY makes the keyed hash used for exact
# look-ups and duplicate detection; it cannot be rotated without re-hashing.
BERDAYA_FIELD_KEYS = env.list("BERDAYA_FIELD_KEYS")
BERDAYA_HASH_KEY = secret("BERDAYA_HASH_KEY")

# Where `npm install` put the front-end packages and the area data.
NODE_MODULES_DIR = Path(env.str("BERDAYA_NODE_MODULES", default=str(PROJECT_DIR / "node_modules")))

INSTALLED_APPS = [
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    # Berdaya, in the order of the 5P cycle after the foundations.
    "berdaya.core",
    "berdaya.areas",
    "berdaya.organisations",
    "berdaya.programmes",
    "berdaya.registry",
    # Pulling submissions from KoboToolbox and ODK Central servers into the registry.
    "berdaya.intake",
    "berdaya.facilitation",
    "berdaya.networks",
    "berdaya.groups",
    "berdaya.planning",
    "berdaya.community",
    "berdaya.savings",
    "berdaya.partnerships",
    "berdaya.advocacy",
    "berdaya.learning",
    "berdaya.reports",
    "berdaya.transparency",
    "berdaya.maps",
    # Above the domain apps: the user's own account, and the REST API over every app.
    "berdaya.accounts",
    "berdaya.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (django-csp 4; the policy is below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for phones on slow, paid data (static files come compressed from
    # WhiteNoise above). Django's GZip pads each response at random against BREACH, and
    # CSRF tokens are masked per response.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "berdaya.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every page needs sign-in; the API (/api/) answers 401 in JSON itself.
    "berdaya.core.middleware.LoginRequiredMiddleware",
    # Managers and admins pass their second factor before any page (accounts.twofactor).
    "berdaya.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "berdaya.core.middleware.ExpiredSessionMiddleware",
    "berdaya.core.middleware.BerdayaErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Referrer-Policy, Permissions-Policy, and no-store on pages for signed-in users.
    "berdaya.core.middleware.PrivacyHeadersMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in (pages, admin) with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "berdaya.config.urls"
WSGI_APPLICATION = "berdaya.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "berdaya.core.context_processors.workspace",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL is production (DATABASE_URL=postgres://...).
DATABASE_URL = env.str(
    "DATABASE_URL", default=f"sqlite:///{PROJECT_DIR / 'var' / 'berdaya.sqlite3'}"
)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, retrying "database is locked" in one place (core.db).
    DATABASES["default"]["ENGINE"] = "berdaya.core.sqlite"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while a writer writes; IMMEDIATE takes the write
            # lock at BEGIN so two writers queue instead of failing half-way. Long reads
            # run in core.db.read_snapshot, which holds no write lock.
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=2000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("BERDAYA_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:login"

# django-axes first: it refuses a locked-out username or address before the password is
# even checked, on every path that calls authenticate() (sign-in, admin, token creation).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("BERDAYA_LOCKOUT_FAILURES", default=10)
# Counted separately: ten wrong passwords for one username lock that username (from every
# address), and ten from one address lock that address (for every username).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("BERDAYA_LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "berdaya.accounts.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
AXES_VERBOSE = False
# Two-step sign-in (TOTP) for administrators and managers: see berdaya.accounts.twofactor.
BERDAYA_2FA_REQUIRED = env.bool("BERDAYA_2FA_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Berdaya"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env.int("BERDAYA_SESSION_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Indonesian first, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "berdaya_language"
# One date format and one date-time format, the same on every page (berdaya/formats/).
FORMAT_MODULE_PATH = ["berdaya.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("BERDAYA_TIME_ZONE", default="Asia/Jakarta")

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
# Third-party assets are served straight from node_modules (installed from
# package-lock.json), never copied into the repository.
STATICFILES_DIRS = [
    SRC_DIR / "static",
    ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES_DIR / "@picocss" / "pico" / "css"),
    ("vendor/leaflet", NODE_MODULES_DIR / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Background jobs (imports) in the database: no extra server. `berdaya worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MEDIA_ROOT = Path(env.str("BERDAYA_MEDIA_ROOT", default=str(PROJECT_DIR / "var" / "media")))
# Uploads larger than this are refused before they are read (imports, photos).
BERDAYA_MAX_UPLOAD_BYTES = env.int("BERDAYA_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# Villages up to this size get their stored figures recomputed right after a change;
# larger ones by a background job (registry.figures).
BERDAYA_FIGURES_INLINE_HOUSEHOLDS = env.int("BERDAYA_FIGURES_INLINE_HOUSEHOLDS", default=5_000)
# What an uploaded XLSX or zip may unpack to (docs/imports.md, "Limits"): in all, and
# as a multiple of its packed size (a zip bomb is a thousand fold); rows and columns.
BERDAYA_IMPORT_MAX_UNPACKED_MB = env.int("BERDAYA_IMPORT_MAX_UNPACKED_MB", default=1024)
BERDAYA_IMPORT_MAX_RATIO = env.int("BERDAYA_IMPORT_MAX_RATIO", default=100)
BERDAYA_IMPORT_MAX_ROWS = env.int("BERDAYA_IMPORT_MAX_ROWS", default=1_000_000)
BERDAYA_IMPORT_MAX_COLUMNS = env.int("BERDAYA_IMPORT_MAX_COLUMNS", default=2000)
# A background job (an import) that runs longer, or grows larger, stops with a reason.
BERDAYA_JOB_TIME_LIMIT = env.int("BERDAYA_JOB_TIME_LIMIT", default=30 * 60)
BERDAYA_JOB_MEMORY_MB = env.int("BERDAYA_JOB_MEMORY_MB", default=3072)
# Worker processes `berdaya worker --supervise` keeps running (imports of different
# people run side by side).
BERDAYA_WORKERS = env.int("BERDAYA_WORKERS", default=2)
# Pulling from KoboToolbox / ODK Central (berdaya.intake): servers in private networks (and
# plain http) only when this allows them, so a connection cannot probe Berdaya's own network.
BERDAYA_INTAKE_PRIVATE_SERVERS = env.bool("BERDAYA_INTAKE_PRIVATE_SERVERS", default=False)
# Photos and documents of activities.
BERDAYA_MAX_ATTACHMENT_BYTES = env.int("BERDAYA_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# django-auditlog: who changed what, when. NIK/KK are excluded per model, not masked.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every log line is masked: a NIK/KK-looking number never reaches a log (core.masking).
    "formatters": {
        "plain": {
            "()": "berdaya.core.masking.MaskingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("BERDAYA_LOG_LEVEL", default="INFO")},
    "loggers": {
        # The request logger prints URLs, which may carry search terms typed by users.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # django-axes logs every sign-in with the username; failures and lockouts only.
        "axes": {"level": "WARNING"},
        # DEBUG (with BERDAYA_DEBUG) prints every SQL statement with its parameters:
        # identifiers in them are already encrypted or hashed (a test checks it).
        "django.db.backends": {"level": env.str("BERDAYA_SQL_LOG_LEVEL", default="INFO")},
    },
}

# Caches: Django's local-memory cache, per process (no extra server). `ratelimit` holds the
# API's request counts (see berdaya.api.throttling for what per-process counting means).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "berdaya-ratelimit",
    },
}
# REST API rate limits ("<requests>/<s|min|hour|day>"): per token or signed-in user, and per
# client IP address. Over the limit the API answers 429 with Retry-After.
BERDAYA_API_RATE_CALLER = env.str("BERDAYA_API_RATE_CALLER", default="600/min")
BERDAYA_API_RATE_IP = env.str("BERDAYA_API_RATE_IP", default="1200/min")

# Maps (berdaya.maps): the background tiles, from any XYZ tile server. Without tiles (no
# network) the maps still show their points on a blank background.
BERDAYA_MAP_TILE_URL = env.str(
    "BERDAYA_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
BERDAYA_MAP_TILE_ATTRIBUTION = env.str(
    "BERDAYA_MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# Beyond this many households a village map counts them per grid cell on the server.
BERDAYA_MAP_POINT_LIMIT = env.int("BERDAYA_MAP_POINT_LIMIT", default=2000)


def _tile_origin(url: str) -> str:
    """The tile server's origin for the CSP (`{s}` subdomains become a wildcard)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "*."))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Content Security Policy (django-csp 4): scripts, styles and everything else from this
# site only, no inline script or style, never framed. Vega-Lite charts are inline SVG
# (attributes, no style), the API docs' Swagger UI is served from this site too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The map's tiles are images from the tile server (BERDAYA_MAP_TILE_URL).
        "img-src": ["'self'", "data:", *filter(None, [_tile_origin(BERDAYA_MAP_TILE_URL)])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
# Features no page of Berdaya uses are switched off for every page.
BERDAYA_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), payment=(), usb=(), serial=(), midi=(), geolocation=(self)"
)
