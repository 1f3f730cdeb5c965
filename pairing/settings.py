"""Settings for Pairing. Everything that varies between machines comes from the environment.

DATABASE_URL  default: a SQLite file beside manage.py
REDIS_URL     default: unset, which means embedded mode: jobs run inline in the web process
SECRET_KEY    required unless DEBUG=1 (the development key is for DEBUG=1 only)
FIELD_ENCRYPTION_KEY  key of the values encrypted at rest (TOTP secrets); default: from SECRET_KEY
HTTPS         1 in production behind TLS: secure cookies, HSTS, redirect to https
STATIC_MANIFEST  1 in production (the Dockerfile): hashed, compressed, long-cached static files
DATABASE_REPLICA_URL  optional: a streaming replica for reads that may lag (pairing/replica.py)
TRUSTED_PROXIES  optional: proxies whose X-Forwarded-For names the client (accounts/client_address)
DEBUG, ALLOWED_HOSTS
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pairing.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# Only a development server (DEBUG=1, as `make run` starts it) may fall back on a fixed key, which
# keeps sessions valid across its restarts. Anything else, DEBUG unset included, must bring its own:
# a public key lets anyone forge sessions and password-reset links.
HTTPS = env_bool("HTTPS", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if HTTPS or not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set: without DEBUG=1 the application refuses the development key"
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdefghij"
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
# Values encrypted at rest (TOTP secrets, accounts.crypto) use a key derived from this one: a random
# string of at least 32 characters, kept out of the database and its backups. Unset, the key is
# derived from SECRET_KEY, so changing SECRET_KEY then makes those values unreadable unless the old
# one stays in SECRET_KEY_FALLBACKS. To rotate, set the new key and list the old ones (comma
# separated) in FIELD_ENCRYPTION_KEY_FALLBACKS: values are read with any, written with the first.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY")
FIELD_ENCRYPTION_KEY_FALLBACKS = env_list("FIELD_ENCRYPTION_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # First, so its createsuperuser (which refuses, see create_admins) wins over Django's.
    "accounts",
    "accounts.apps.PairingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_rq",
    "csp",
    "import_export",
    "ninja",
    "enterprises",
    "pairing",
    "issues",
    "reports",
]

MIDDLEWARE = [
    # First: /healthz answers before sessions, cookies and the HTTPS redirect (pairing/health.py).
    "pairing.health.HealthzMiddleware",
    "pairing.metrics.RequestMetricsMiddleware",
    # The API's errors as problem details, and its body limit (pairing/api_problems.py).
    "pairing.api_problems.ProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.input_guard.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionTouchMiddleware",
    "pairing.replica.ReadYourWritesMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pairing.page_cache.PageCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionCapMiddleware",
    "accounts.middleware.SecurityGateMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pairing.csp.PairingCSPMiddleware",
]

# The one deliberate clash the check warns of: pairing/template_i18n.py is registered as `i18n`
# over Django's own library (TEMPLATES below), which it extends.
SILENCED_SYSTEM_CHECKS = ["templates.W003"]

ROOT_URLCONF = "pairing.urls"
WSGI_APPLICATION = "pairing.wsgi.application"

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
                "accounts.context_processors.roles",
                "issues.calendar_years.banner",
            ],
            # {% load i18n %} with constant translations remembered (pairing/template_i18n.py).
            "libraries": {"i18n": "pairing.template_i18n"},
        },
    },
]

# Persistent connections with health checks: on this machine a one-query view served
# 428 req/s with them and 81 without (DESIGN.md).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite: no persistent connections across threads; WAL lets the dev server read while seeding.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

# A streaming replica of the same database (pairing/replica.py): reads chosen for it go there,
# everything else stays on the primary. Its connections use the same persistence and checks.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
READ_REPLICA = bool(DATABASE_REPLICA_URL)
if READ_REPLICA:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
    # A replica that does not answer must not hold a page up: the primary serves the read.
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
DATABASE_ROUTERS = ["pairing.replica.PrimaryReplicaRouter"]
# /healthz says "lagging" (without failing) when the replica's replay is further behind than this.
REPLICA_LAG_WARN_SECONDS = env_int("REPLICA_LAG_WARN_SECONDS", 30)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.lockout.LockoutModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {
        "NAME": "accounts.passwords.ComplexityValidator",
        "OPTIONS": {"min_length": 8, "min_classes": 3},
    },
    {"NAME": "accounts.passwords.RecentPasswordValidator", "OPTIONS": {"keep": 3}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# STATIC_MANIFEST=1 (set in the Dockerfile, for collectstatic and the running app alike): static
# files are served by WhiteNoise from collectstatic's output, each under a name with its content's
# hash and gzip-compressed beside it, sent with a cache lifetime of a year (immutable): a changed
# file gets a new name. Unset (`make run`, the tests, the benchmarks), files are served as they are.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600 if STATIC_MANIFEST else 0  # files without a hash in their name
# Files a browser asks for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# Spreadsheet uploads (enterprises.spreadsheets.safety): the file, and all its parts unpacked.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 50 * 2**20)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 600 * 2**20)

MEDIA_ROOT = BASE_DIR / env_str("MEDIA_DIR", "media")
MEDIA_URL = "media/"

# Background jobs. Without REDIS_URL the app runs embedded and pairing.jobs runs jobs inline.
REDIS_URL = env_str("REDIS_URL")
RQ_QUEUES = {
    name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": timeout}
    for name, timeout in (("default", 300), ("imports", 1800), ("reports", 900))
}
# Django's cache: in Redis when configured (shared by every process: the API's per-client rate
# limits count across them), else in this process's memory.
CACHES = {
    "default": (
        {"BACKEND": "pairing.redis_cache.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Seconds the main pages' rendered content is kept for its viewer until data changes
# (pairing/page_cache.py). Only with a cache shared by every process (Redis): 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 120 if REDIS_URL else 0)
# The API (/api/v1/, pairing/api.py): the largest request body, the most rows a page may ask for.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 20 * 2**20)
API_MAX_PAGE_SIZE = 500
# Outgoing webhooks (issues/webhooks.py): seconds a receiver has to answer one delivery.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
# Minutes between the runs of the scheduler's probe job (pairing/schedule.py); 0: no probe.
SCHEDULE_PROBE_MINUTES = env_int("SCHEDULE_PROBE_MINUTES", 0)
# /healthz fails when the scheduler's heartbeat (each minute) is older than this.
SCHEDULER_BEAT_MAX_AGE_SECONDS = env_int("SCHEDULER_BEAT_MAX_AGE_SECONDS", 180)
# /metrics (pairing/metrics.py): the system admin, or a scraper sending this as a Bearer token.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Set under several gunicorn processes, so that a scrape sums them (prometheus_client reads it too).
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
# The dashboard is mounted at django-rq/ behind the admin site (pairing/urls.py); django-rq's own
# admin entry would also expose its token-authenticated stats API to any staff member.
RQ_SHOW_ADMIN_LINK = False

# Sessions end after 30 idle minutes and 12 hours after login whatever the activity
# (accounts.middleware.SessionCapMiddleware). The idle expiry moves on when a request comes more
# than SESSION_TOUCH_SECONDS after the last write (accounts.middleware.SessionTouchMiddleware), not
# on every request: writing the session each time cost a transaction per page view.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
# With Redis, sessions are read from it and written through to the database (cached_db): a page
# view reads no session row. Without it (embedded mode) there is no cache that all processes share,
# so sessions stay in the database alone.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "pairing.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pairing",
        }
    }
    SESSION_ENGINE = "accounts.session_store"  # cached_db that outlives a Redis outage
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy: scripts, styles and everything else from our own origin only, no inline
# code, no plugins, no framing; forms post back to us. data: images for CSS icons (the admin's).
# The one exception, django-rq's dashboard, is in pairing/csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# HTTPS=1 in production (behind TLS): secure cookies, HSTS and a redirect from plain HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
# The proxies (addresses or networks, comma separated) whose X-Forwarded-For names the client
# for the audit trail and the login lockout (accounts/client_address.py); from others, ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The leader dashboard reads figures computed ahead (reports/area_figures.py, refreshed every 10
# minutes); a page finding its area's figures older than this computes them again.
AREA_FIGURES_MAX_AGE = datetime.timedelta(minutes=env_int("AREA_FIGURES_MAX_AGE_MINUTES", 15))

# Message channels (issues/channels): SMS through SMS_BACKEND (a class with `send(phone, text)`).
# The default writes each text to SMS_FILE_PATH (`make run`: var/sms.log, where the portal's sign-in
# codes are read), or to the log when that is empty; issues.channels.sms.HTTPSMSBackend posts to
# the gateway at SMS_GATEWAY_URL. Group robots post when their webhook address is set.
SMS_BACKEND = env_str("SMS_BACKEND", "issues.channels.sms.ConsoleSMSBackend")
SMS_FILE_PATH = env_str("SMS_FILE_PATH")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")
SMS_SIGNATURE = env_str("SMS_SIGNATURE", "干部联企")
WECOM_ROBOT_URL = env_str("WECOM_ROBOT_URL")
DINGTALK_ROBOT_URL = env_str("DINGTALK_ROBOT_URL")
DINGTALK_ROBOT_SECRET = env_str("DINGTALK_ROBOT_SECRET")
# The notifications the group robots post: the ones a whole office should see at once.
GROUP_ROBOT_KINDS = env_list(
    "GROUP_ROBOT_KINDS", ["ticket_firm_raise", "ticket_assign", "ticket_urge", "ticket_overdue"]
)
CHANNEL_TIMEOUT_SECONDS = env_int("CHANNEL_TIMEOUT_SECONDS", 5)
# The firm portal's SMS sign-in (issues/portal_otp.py): a code's life and tries, and how many
# codes one number and one client address may ask for.
PORTAL_CODE_SECONDS = env_int("PORTAL_CODE_SECONDS", 5 * 60)
PORTAL_CODE_TRIES = env_int("PORTAL_CODE_TRIES", 5)
PORTAL_CODE_RESEND_SECONDS = env_int("PORTAL_CODE_RESEND_SECONDS", 60)
PORTAL_CODES_PER_PHONE_HOUR = env_int("PORTAL_CODES_PER_PHONE_HOUR", 5)
PORTAL_CODES_PER_IP_HOUR = env_int("PORTAL_CODES_PER_IP_HOUR", 20)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pairing@localhost")
TICKET_ATTACHMENT_MAX_BYTES = env_int("TICKET_ATTACHMENT_MAX_BYTES", 10 * 2**20)
