"""Settings for the Chishui 三定 accountability dashboard.

One file, configured by environment variables with safe development defaults:

- ``DATABASE_URL``: database (default: SQLite file ``db.sqlite3`` next to manage.py)
- ``DJANGO_DEBUG``: ``1``/``true``/``yes`` or ``0``/``false``/``no`` (default: on)
- ``DJANGO_SECRET_KEY``: required when DEBUG is off
- ``ALLOWED_HOSTS``: comma-separated host names (default with DEBUG: localhost only)
- ``DJANGO_TRUSTED_PROXY``: on when the app runs behind the reverse proxy of
  docs/deployment.md; only then are ``X-Forwarded-Proto`` and ``X-Forwarded-For`` believed
  (default: off)
- ``EMAIL_HOST``: the SMTP server; without it the password-reset pages are not offered and
  reminders are not mailed
- ``REMINDER_WEBHOOK_URL``: the work group robot's webhook for the weekly reminders (催报)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import plotly
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), got {raw!r}")


def env_int(name, default, minimum=0):
    """A whole number of at least ``minimum`` from the environment; anything else stops the
    app with an error naming the variable (a bare ValueError would not)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {raw!r}")
    return value


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-chishui-sanding"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS and DEBUG:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
if not ALLOWED_HOSTS:  # without it every request would get 400 Bad Request
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is required when DJANGO_DEBUG is off (comma-separated host names)"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "axes",
    "chishui",
    "villages",
    "accountability",
    "devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chishui.db_router.PinToPrimaryMiddleware",  # before the session: its save is a write
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "chishui.middleware.RefuseNulCharactersMiddleware",
    "csp.middleware.CSPMiddleware",
    "chishui.security.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "chishui.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "chishui.wsgi.application"

try:
    DATABASES = {
        "default": dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        )
    }
except ValueError as exc:  # an unparsable DATABASE_URL must fail loudly
    raise ImproperlyConfigured(f"DATABASE_URL is not valid: {exc}") from exc

# A read replica (docs/deployment.md): reads go there, writes and the reads after a write to
# the primary (chishui/db_router.py). In tests the replica mirrors the test database.
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    try:
        DATABASES["replica"] = dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"].strip(), conn_max_age=env_int("DB_CONN_MAX_AGE", 0)
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is not valid: {exc}") from exc
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# PostgreSQL's JIT compiler is off for the app's connections (DB_POSTGRES_JIT=on turns it
# back on): it compiles any query the planner costs high — a task list over 76,500 tasks,
# whose correlated subquery is never run, spent 198 of its 263 ms compiling (EXPLAIN ANALYZE,
# docs/performance.md) — and a web request's queries are short. Where connections go
# through a pooler that refuses startup options, set it on the role instead:
# ALTER ROLE … SET jit = off (docs/deployment.md).
if os.environ.get("DB_POSTGRES_JIT", "off").strip().lower() != "on":
    for database in DATABASES.values():
        if "postgresql" in database["ENGINE"]:
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DATABASE_ROUTERS = ["chishui.db_router.PrimaryReplicaRouter"]
# How long after a write the writer's requests keep reading from the primary (replica lag).
REPLICA_PIN_SECONDS = env_int("DJANGO_REPLICA_PIN_SECONDS", 10, minimum=1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the dashboards' figures and rendered tables (accountability/dashboards/
# cache.py). Default: files in DJANGO_CACHE_DIR, shared by the app server's workers on one
# machine; with several app servers, DJANGO_REDIS_URL (redis://host:6379/0, needs the
# ``redis`` package: docs/deployment.md).
if os.environ.get("DJANGO_REDIS_URL", "").strip():
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["DJANGO_REDIS_URL"].strip(),
        }
    }
else:
    CACHES = {
        "default": {
            # Django's file cache, writing for less (chishui/cache.py FileCache)
            "BACKEND": "chishui.cache.FileCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR", "").strip() or str(BASE_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Longest a cached dashboard piece lives (0: no dashboard cache). Writes through the app
# invalidate it at once; this bounds changes made behind the app's back.
DASHBOARD_CACHE_SECONDS = env_int("DJANGO_DASHBOARD_CACHE_SECONDS", 600)

AUTHENTICATION_BACKENDS = [
    "chishui.security.LoginThrottleBackend",  # django-axes' lockout check, first
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["chishui.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "villages:home"
LOGOUT_REDIRECT_URL = "login"

# Reference and demo data for `manage.py loaddata <name>` (e.g. livelihood_items).
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# plotly.min.js comes from the installed plotly package, so its version always matches.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("plotly", Path(plotly.__file__).resolve().parent / "package_data"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: a weekly report takes ten evidence files, photos up to 20 MB each (larger ones than
# the pages need are downscaled: accountability/tasks/photos.py). A file over 2.5 MB is
# streamed to a temporary file, not held in memory; DATA_UPLOAD_MAX_MEMORY_SIZE counts the
# form's fields, not its files. The request as a whole is capped by nginx's
# client_max_body_size (docs/deployment.md), which also buffers a slow upload before gunicorn.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# WhiteNoise does not know the web app manifest's type (templates/base.html links it).
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap4-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# Behind the reverse proxy of docs/deployment.md (nginx on the same machine) its
# X-Forwarded-Proto and X-Forwarded-For are believed; without a proxy anyone could send them.
TRUSTED_PROXY = env_bool("DJANGO_TRUSTED_PROXY", False)
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login throttling (django-axes): 5 wrong passwords for one username from one address lock
# that pair out for the cool-off time; other users and addresses are unaffected.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "chishui.security.lockout_response"  # a Chinese page, status 429
AXES_CLIENT_IP_CALLABLE = "chishui.security.client_ip"  # the same trust as SECURE_PROXY_SSL_HEADER
AXES_USERNAME_CALLABLE = "chishui.security.attempt_username"  # an overlong username is cut, not a 500
AXES_VERBOSE = False  # the failed-login line comes from chishui.security

# Content-Security-Policy (django-csp 4): everything from this site, no inline script.
# Plotly injects its chart styles (a <style> element and style attributes), hence the
# inline styles; data:/blob: images are its "download as PNG".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Mail (password reset, reminders) needs an SMTP server; without one the reset pages are not
# offered and reminders go only to the work group's robot, if any.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_ENABLED = bool(EMAIL_HOST)
PASSWORD_RESET_ENABLED = EMAIL_ENABLED
if EMAIL_HOST:
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", EMAIL_HOST_USER or "webmaster@localhost")
# a mail server that does not answer must not hold up a page or the reminders' cron run
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)

# Reminders (催报, accountability/reminders/): the work group's robot (企业微信/钉钉 group
# robot webhook, a JSON POST) gets each township's weekly digest; unset, no robot.
REMINDER_WEBHOOK_URL = os.environ.get("REMINDER_WEBHOOK_URL", "").strip()
if REMINDER_WEBHOOK_URL and not REMINDER_WEBHOOK_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("REMINDER_WEBHOOK_URL must be an http:// or https:// URL")
REMINDER_WEBHOOK_TIMEOUT = env_int("REMINDER_WEBHOOK_TIMEOUT", 10, minimum=1)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # failed logins and lockouts are always written (warning), whatever DJANGO_LOG_LEVEL says
    "loggers": {
        "chishui.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
        # a reminder that could not be sent is always written (warning)
        "accountability.reminders": {"level": "INFO"},
    },
}
