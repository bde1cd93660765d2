"""Claimdesk settings: one module, read from the environment.

No environment at all gives the embedded default: SQLite under var/, a
filesystem Celery broker under var/, DEBUG on. DATABASE_URL switches to
PostgreSQL and CELERY_BROKER_URL to Redis. Every variable is listed in
.env.example.
"""

import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CLAIMDESK_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# Committed to the repository, so known to everyone: development only.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-4f1d2c"
if DEBUG:
    SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DEBUG=0 needs SECRET_KEY set to a random string of at least 50 characters.")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or "insecure" in SECRET_KEY:
        raise ImproperlyConfigured(
            "DEBUG=0 refuses the development SECRET_KEY from the repository. Generate your own, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DEBUG=0 needs ALLOWED_HOSTS, a comma-separated list of host names.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "sources",
    "verification",
    "axes",  # login lockout (LOGIN_* below); its admin shows attempts and lockouts
]

MIDDLEWARE = [
    # First: over-long URLs, unknown hosts and plain HTTP on /api/ paths answer problem+json.
    "verification.api.middleware.ApiEdgeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language: Accept-Language, else LANGUAGE_CODE (CLAIMDESK_LANGUAGE); it says Content-Language
    # and Vary: Accept-Language on every response. DeskLanguageMiddleware below puts a user's own choice first.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Desk pages show times in the user's zone (DeskProfile, else CLAIMDESK_TIME_ZONE); the API stays UTC.
    "verification.desk.middleware.DeskTimeZoneMiddleware",
    # A logged-in user's language (DeskProfile) on every page but the API's, which follows Accept-Language.
    "verification.desk.middleware.DeskLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a login that axes refused into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(VAR_DIR / "claimdesk.sqlite3")))
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL lets the web process read while the worker writes;
                # IMMEDIATE takes the write lock at BEGIN so two processes
                # never deadlock upgrading a read lock.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # File-backed, so a real Celery worker in the tests sees the rows.
            "TEST": {"NAME": str(VAR_DIR / "test-claimdesk.sqlite3")},
        }
    }

# --- Cache ------------------------------------------------------------------
# Every process (gunicorn workers, Celery) must share it: API rate limits are
# counted in it, and a per-process cache gave each worker a limit of its own.
# CACHE_URL names a Redis for it; else a Redis broker's server and database are
# used, every key under the prefix "claimdesk-cache:<queue>" (no broker key starts
# so; desks sharing the database keep apart, as their queues do), and clearing the
# cache deletes only those keys; else a table in the database (created by migrate).
# Both backends count atomically across processes (verification/api/throttling.py).
_CACHE_URL = env_str("CACHE_URL") or ""
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL={_CACHE_URL!r} is not a Redis URL; use redis://host:6379/1, or unset it.")
_BROKER_URL = env_str("CELERY_BROKER_URL") or ""
_CACHE_REDIS = _CACHE_URL or (_BROKER_URL if _BROKER_URL.startswith(("redis://", "rediss://")) else "")
if _CACHE_REDIS:
    CACHES = {
        "default": {
            "BACKEND": "verification.api.throttling.PrefixedRedisCache",
            "LOCATION": _CACHE_REDIS,
            "KEY_PREFIX": f"claimdesk-cache:{env_str('CELERY_TASK_DEFAULT_QUEUE', 'celery')}",
            # A Redis that stops answering costs a request a second, not a hung worker.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "verification.api.throttling.AtomicDatabaseCache",
            "LOCATION": "claimdesk_cache",
            # Counters live a minute; this many keys before expired ones are culled.
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/desk/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Login lockout (django-axes) ---------------------------------------------
# Password guessing is refused after LOGIN_FAILURE_LIMIT failures for one account
# from one address, or LOGIN_ADDRESS_FAILURE_LIMIT from one address whatever the
# accounts, each with no pause of LOGIN_LOCKOUT_MINUTES between them; the lockout
# ends that long after the last attempt. Attempts and lockouts are in the admin
# (Axes), where an admin can lift one by deleting its access attempt.
LOGIN_FAILURE_LIMIT = env_int("CLAIMDESK_LOGIN_FAILURE_LIMIT", 10, minimum=1)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("CLAIMDESK_LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("CLAIMDESK_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AUTHENTICATION_BACKENDS = [
    "verification.api.throttling.LockoutBackend",  # refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "verification.api.throttling.LoginLockoutHandler"  # the database handler, two limits
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_CLIENT_IP_CALLABLE = "verification.api.throttling.client_address"  # BEHIND_TLS_PROXY-aware
AXES_LOCKOUT_CALLABLE = "verification.api.throttling.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a success would also clear the address's count: one known account would reset it

# Interface languages (docs/languages.md): the desk, the admin, the API's messages and the public verdict page.
# Translations live in locale/ (.po and the compiled .mo, both committed, so nothing needs gettext to run).
LANGUAGES = [("en", "English"), ("uk", "Українська"), ("ru", "Русский")]
# The desk's language for a reader who chose none and whose browser asks for none of LANGUAGES.
LANGUAGE_CODE = env_str("CLAIMDESK_LANGUAGE", "en").strip().lower()
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"CLAIMDESK_LANGUAGE={LANGUAGE_CODE!r} is not one of the desk's languages; use one of: "
        + ", ".join(code for code, _ in LANGUAGES)
        + "."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start if it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env_str("EVIDENCE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "claimdesk@localhost")

# --- Security (production) --------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag; keep Django's default.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A strict Content-Security-Policy on every page: scripts, styles and images from
# this origin only, nothing inline (desk.js and desk.css carry everything), no
# plugins, no framing. The Swagger UI is served split so it needs no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# How many proxies in front of the app to trust (BEHIND_TLS_PROXY): 0, the default,
# takes the client's address from the connection and ignores X-Forwarded-For; n
# takes the n-th address from the right of X-Forwarded-For (each proxy appends the
# address it was called from) and, in production, X-Forwarded-Proto. The old
# boolean spelling still works: true/yes/on mean one proxy, false/no/off none.
_behind_proxy = (env_str("BEHIND_TLS_PROXY") or "0").strip().lower()
TRUSTED_PROXY_COUNT = {"true": 1, "yes": 1, "on": 1, "false": 0, "no": 0, "off": 0}.get(_behind_proxy)
if TRUSTED_PROXY_COUNT is None:
    TRUSTED_PROXY_COUNT = env_int("BEHIND_TLS_PROXY", 0, minimum=0)
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a hard-to-undo commitment for every subdomain, so it is
        # opt-in; leaving it off is a decision, not a deployment mistake.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Celery -----------------------------------------------------------------
CELERY_DIR = VAR_DIR / "celery"
# The embedded broker names a host although the folder transport ignores it: kombu reads a bare
# "filesystem://" as a URL without one and warns "No hostname was supplied" on every connection
# (the seed, each worker, beat). Celery reads CELERY_BROKER_URL from the environment before this
# setting, so a folder broker given there should be spelt the same way.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://localhost/"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_folder = Path(env_str("CELERY_FILESYSTEM_DIR", str(CELERY_DIR / "queue")))
    _processed = _broker_folder.parent / "processed"
    for _folder in (_broker_folder, _processed):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "processed_folder": str(_processed),
        # Broadcast (control) messages; kombu's default is ./control in the cwd.
        "control_folder": str(_broker_folder.parent / "control"),
        "store_processed": False,
    }
else:
    # Redis hands an unacknowledged task (its worker was killed) to another
    # worker after this long: minutes, not an hour. It must outlast the longest
    # task (an intake batch reading a slow page, a capture at its time limit),
    # and no countdown may exceed it (webhooks and captures cap theirs below it).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600, minimum=1)}
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
# One Redis database can carry several desks (or a test worker) on separate queues.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Periodic control work (lease expiry, deadlines, the reconciler, re-reviews) has a
# queue of its own, so a backlog of bulk work (webhooks, captures, intake) can never
# delay it; production runs a worker per queue (Procfile), a worker started without
# -Q consumes both.
CELERY_CONTROL_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-control"
CELERY_TASK_QUEUES = (Queue(CELERY_TASK_DEFAULT_QUEUE), Queue(CELERY_CONTROL_QUEUE))
CELERY_TASK_ROUTES = {
    f"verification.tasks.{name}": {"queue": CELERY_CONTROL_QUEUE}
    for name in ("expire_leases", "escalate_overdue", "age_priorities", "reconcile", "rereview_claim")
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
# Celery's Django fixup closes the database connection before and after every task unless told to
# reuse it: a new PostgreSQL connection per task, most of a webhook's latency (bench/task_latency.py).
# Reuse it; config/celery.py drops broken or CONN_MAX_AGE-old connections between tasks, as Django
# does between requests.
CELERY_DB_REUSE_MAX = 1000

# Scan intervals are settings so tests run them in seconds.
LEASE_SCAN_SECONDS = env_int("CLAIMDESK_LEASE_SCAN_SECONDS", 30, minimum=1)
SLA_SCAN_SECONDS = env_int("CLAIMDESK_SLA_SCAN_SECONDS", 60, minimum=1)
PRIORITY_AGING_SECONDS = env_int("CLAIMDESK_PRIORITY_AGING_SECONDS", 300, minimum=1)
RECONCILE_SECONDS = env_int("CLAIMDESK_RECONCILE_SECONDS", 60, minimum=1)
# How long follow-up work may sit undone before the reconciler sends it again.
RECONCILE_GRACE_SECONDS = env_int("CLAIMDESK_RECONCILE_GRACE_SECONDS", 120, minimum=1)
REVERIFY_SECONDS = env_int("CLAIMDESK_REVERIFY_SECONDS", 86400, minimum=1)
WORKER_HEARTBEAT_SECONDS = env_int("CLAIMDESK_WORKER_HEARTBEAT_SECONDS", 15, minimum=1)
# Track records decay with time, so they are re-aged daily; calibration needs no fresher data than hourly.
TRACK_RECORD_REFRESH_SECONDS = env_int("CLAIMDESK_TRACK_RECORD_REFRESH_SECONDS", 86400, minimum=1)
CALIBRATION_SECONDS = env_int("CLAIMDESK_CALIBRATION_SECONDS", 3600, minimum=1)
# The suggested credibility's model: refitted nightly, and this long after a sign-off (a burst of
# sign-offs costs one fit), on at most this many of the latest published verdicts.
SUGGESTION_REFIT_SECONDS = env_int("CLAIMDESK_SUGGESTION_REFIT_SECONDS", 86400, minimum=1)
SUGGESTION_REFIT_DELAY_SECONDS = env_int("CLAIMDESK_SUGGESTION_REFIT_DELAY_SECONDS", 300, minimum=0)
SUGGESTION_FIT_VERDICTS = env_int("CLAIMDESK_SUGGESTION_FIT_VERDICTS", 20000, minimum=1)
# Evidence previews (verification/evidence/previews.py, docs/evidence_previews.md): a sweep asks for the
# previews of stored files that have none and re-sends those no worker finished.
PREVIEW_SWEEP_SECONDS = env_int("CLAIMDESK_PREVIEW_SWEEP_SECONDS", 300, minimum=1)
# What a file says about itself (verification/evidence/metadata.py): a file its own metadata dates this many
# days before the claim was first made is flagged on the claim page (the recycled clip).
METADATA_OLDER_DAYS = env_int("CLAIMDESK_METADATA_OLDER_DAYS", 7, minimum=0)

CELERY_BEAT_SCHEDULE = {
    "expire-leases": {
        "task": "verification.tasks.expire_leases",
        "schedule": LEASE_SCAN_SECONDS,
        "options": {"expires": LEASE_SCAN_SECONDS},
    },
    "escalate-overdue": {
        "task": "verification.tasks.escalate_overdue",
        "schedule": SLA_SCAN_SECONDS,
        "options": {"expires": SLA_SCAN_SECONDS},
    },
    "age-priorities": {
        "task": "verification.tasks.age_priorities",
        "schedule": PRIORITY_AGING_SECONDS,
        "options": {"expires": PRIORITY_AGING_SECONDS},
    },
    "reconcile": {
        "task": "verification.tasks.reconcile",
        "schedule": RECONCILE_SECONDS,
        "options": {"expires": RECONCILE_SECONDS},
    },
    "reverify-stored-files": {
        "task": "verification.tasks.reverify_stored_files",
        "schedule": REVERIFY_SECONDS,
        "options": {"expires": REVERIFY_SECONDS},
    },
    "refresh-track-records": {
        "task": "sources.tasks.refresh_track_records",
        "schedule": TRACK_RECORD_REFRESH_SECONDS,
        "options": {"expires": TRACK_RECORD_REFRESH_SECONDS},
    },
    "recompute-calibration": {
        "task": "sources.tasks.recompute_calibration",
        "schedule": CALIBRATION_SECONDS,
        "options": {"expires": CALIBRATION_SECONDS},
    },
    "refit-suggestions": {
        "task": "verification.tasks.refit_suggestions",
        "schedule": SUGGESTION_REFIT_SECONDS,
        "kwargs": {"force": True},
        "options": {"expires": SUGGESTION_REFIT_SECONDS},
    },
    "sweep-previews": {
        "task": "verification.tasks.sweep_previews",
        "schedule": PREVIEW_SWEEP_SECONDS,
        "options": {"expires": PREVIEW_SWEEP_SECONDS},
    },
}

# --- Claimdesk --------------------------------------------------------------
LEASE_SECONDS = env_int("CLAIMDESK_LEASE_SECONDS", 30 * 60, minimum=1)
ONE_LEASE_PER_REVIEWER = env_bool("CLAIMDESK_ONE_LEASE_PER_REVIEWER", True)
# A verdict counts half as much in a source's track record after this many days (0 turns decay off).
TRACK_RECORD_HALF_LIFE_DAYS = env_int("CLAIMDESK_TRACK_RECORD_HALF_LIFE_DAYS", 730, minimum=0)
# Hours until a claim of each priority band is due (high band first).
SLA_HOURS = {
    "urgent": env_int("CLAIMDESK_SLA_URGENT_HOURS", 4),
    "high": env_int("CLAIMDESK_SLA_HIGH_HOURS", 12),
    "normal": env_int("CLAIMDESK_SLA_NORMAL_HOURS", 48),
    "low": env_int("CLAIMDESK_SLA_LOW_HOURS", 168),
}
# The port `make run` serves on (Procfile: runserver 127.0.0.1:$PORT); public links follow it unless
# PUBLIC_BASE_URL is set. `make run` passes PUBLIC_BASE_URL to every process, because honcho gives
# each process type its own PORT (web 8000, worker 8100, ...) and a worker's links must name the web's.
WEB_PORT = env_int("PORT", 8000, minimum=1)
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL") or f"http://127.0.0.1:{WEB_PORT}"
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Claimdesk")
# Desk pages show times in the user's own zone (their profile page), else in this one. Django's
# TIME_ZONE stays UTC: the API, the admin, e-mails and the logs keep one zone whoever reads them.
DESK_TIME_ZONE = env_str("CLAIMDESK_TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(DESK_TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"CLAIMDESK_TIME_ZONE={DESK_TIME_ZONE!r} is not a time zone name; use an IANA name such as Europe/Kyiv."
    ) from None
# How often an open claim page asks whether anything changed (docs/live_pages.md); an unchanged
# claim answers 304 with no body, and a hidden tab does not ask at all.
LIVE_POLL_SECONDS = env_int("CLAIMDESK_LIVE_POLL_SECONDS", 5, minimum=2)
# Loopback targets for webhooks, capture and intake are for tests and local experiments
# only, and only when asked for explicitly: DEBUG alone never opens them.
# (The benchmarks run production settings against loopback receivers, so DEBUG=0
# does not refuse it outright; `check --deploy` warns, see config/checks.py.)
ALLOW_LOOPBACK_FETCH = env_bool("CLAIMDESK_ALLOW_LOOPBACK_FETCH", False)
# Webhook delivery: attempts, exponential backoff (base x 4^n, capped, with jitter), time per attempt.
WEBHOOK_MAX_ATTEMPTS = env_int("CLAIMDESK_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("CLAIMDESK_WEBHOOK_RETRY_BASE_SECONDS", 5, minimum=1)
WEBHOOK_RETRY_MAX_SECONDS = env_int("CLAIMDESK_WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env_int("CLAIMDESK_WEBHOOK_TIMEOUT_SECONDS", 15, minimum=1)
UPLOAD_MAX_BYTES = env_int("CLAIMDESK_UPLOAD_MAX_BYTES", 500 * 1024 * 1024, minimum=1)
CAPTURE_MAX_BYTES = env_int("CLAIMDESK_CAPTURE_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
# The desk's text view of a web archive reads at most this much of the archived body
# (trafilatura runs in the request; a larger page shows its first part, and says so).
ARCHIVE_TEXT_MAX_BYTES = env_int("CLAIMDESK_ARCHIVE_TEXT_MAX_BYTES", 1024 * 1024, minimum=1024)
# Sniffed types an upload may have (fnmatch patterns); the client's word is never used.
UPLOAD_TYPES = env_list(
    "CLAIMDESK_UPLOAD_TYPES",
    [
        "image/*",
        "video/*",
        "audio/*",
        "application/pdf",
        "text/plain",
        "text/html",
        "text/csv",
        "application/json",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.*",
        "application/vnd.oasis.opendocument.*",
        "application/msword",
        "message/rfc822",
    ],
)
# Transient capture failures: retried up to this many times, base x 4^n seconds apart with jitter.
CAPTURE_MAX_RETRIES = env_int("CLAIMDESK_CAPTURE_MAX_RETRIES", 5, minimum=0)
CAPTURE_RETRY_BASE_SECONDS = env_int("CLAIMDESK_CAPTURE_RETRY_BASE_SECONDS", 30, minimum=1)
CAPTURE_RETRY_MAX_SECONDS = env_int("CLAIMDESK_CAPTURE_RETRY_MAX_SECONDS", 900, minimum=1)
# Evidence previews: the large picture's longest edge and the thumbnail's, in pixels; images with more
# pixels than PREVIEW_MAX_PIXELS (decompression bombs) and images or PDFs over PREVIEW_MAX_BYTES are not
# decoded; an attempt still unfinished after PREVIEW_MAX_SECONDS is taken to have died (the sweep tries
# once more, then records no preview).
PREVIEW_MAX_EDGE = env_int("CLAIMDESK_PREVIEW_MAX_EDGE", 1280, minimum=64)
PREVIEW_THUMBNAIL_EDGE = env_int("CLAIMDESK_PREVIEW_THUMBNAIL_EDGE", 320, minimum=32)
PREVIEW_MAX_PIXELS = env_int("CLAIMDESK_PREVIEW_MAX_PIXELS", 40_000_000, minimum=1)
PREVIEW_MAX_BYTES = env_int("CLAIMDESK_PREVIEW_MAX_BYTES", 100 * 1024 * 1024, minimum=1)
PREVIEW_MAX_SECONDS = env_int("CLAIMDESK_PREVIEW_MAX_SECONDS", 120, minimum=1)
# Video keyframes (verification/evidence/keyframes.py): a frame at every scene change and one every
# KEYFRAME_INTERVAL_SECONDS, at most KEYFRAMES_MAX a video; decoding stops KEYFRAMES_MAX_VIDEO_SECONDS into
# the video (by its frames' own times, never the container's word) or after KEYFRAMES_MAX_SECONDS of wall
# time, whichever comes first; an attempt unfinished after twice that is taken to have died. Memory: one
# decoded frame at a time (at most PREVIEW_MAX_PIXELS) and the decoder's reference frames, one thread.
KEYFRAME_INTERVAL_SECONDS = env_int("CLAIMDESK_KEYFRAME_INTERVAL_SECONDS", 5, minimum=1)
KEYFRAMES_MAX = env_int("CLAIMDESK_KEYFRAMES_MAX", 60, minimum=1)
KEYFRAMES_MAX_VIDEO_SECONDS = env_int("CLAIMDESK_KEYFRAMES_MAX_VIDEO_SECONDS", 1800, minimum=1)
KEYFRAMES_MAX_SECONDS = env_int("CLAIMDESK_KEYFRAMES_MAX_SECONDS", 120, minimum=1)
# "Seen before" (verification/evidence/perceptual.py): two PDQ hashes at most this many bits apart of 256
# are the same picture (31 is PDQ's published threshold). At most 47: the chunk index looks up more values
# the higher it is (1,948 at 31, 18,744 at 47; docs/evidence_hashes.md).
PDQ_MATCH_DISTANCE = env_int("CLAIMDESK_PDQ_MATCH_DISTANCE", 31, minimum=0)
if PDQ_MATCH_DISTANCE > 47:
    raise ImproperlyConfigured(f"CLAIMDESK_PDQ_MATCH_DISTANCE={PDQ_MATCH_DISTANCE} is above the maximum of 47.")
# Content Credentials (verification/evidence/credentials.py): a PEM file of the C2PA trust anchors a
# signer must chain to for "signer on the trust list"; unset, every signer is "not on a trust list".
C2PA_TRUST_ANCHORS = (env_str("CLAIMDESK_C2PA_TRUST_ANCHORS", "") or "").strip()
if C2PA_TRUST_ANCHORS and not Path(C2PA_TRUST_ANCHORS).is_file():
    raise ImproperlyConfigured(f"CLAIMDESK_C2PA_TRUST_ANCHORS={C2PA_TRUST_ANCHORS!r} is not a readable file.")
# Trusted time (verification/evidence/timestamps.py, docs/evidence.md#trusted-time): off unless
# CLAIMDESK_TSA_URL names an RFC 3161 timestamp authority; each evidence hash is then sent there (the
# hash only, never the file) and the token kept only if it verifies against CLAIMDESK_TSA_CA_FILE, a
# PEM file of the authority's root certificate (and any intermediates).
TSA_URL = (env_str("CLAIMDESK_TSA_URL", "") or "").strip()
TSA_CA_FILE = (env_str("CLAIMDESK_TSA_CA_FILE", "") or "").strip()
TSA_TIMEOUT_SECONDS = env_int("CLAIMDESK_TSA_TIMEOUT_SECONDS", 10, minimum=1)
TSA_MAX_RETRIES = env_int("CLAIMDESK_TSA_MAX_RETRIES", 5, minimum=0)
if TSA_URL and not TSA_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        f"CLAIMDESK_TSA_URL={TSA_URL!r} is not an http(s) URL; unset it to turn trusted time off."
    )
if TSA_URL and not TSA_CA_FILE:
    raise ImproperlyConfigured(
        "CLAIMDESK_TSA_URL needs CLAIMDESK_TSA_CA_FILE, the PEM file of the authority's root certificate: "
        "a token that cannot be verified is never stored."
    )
if TSA_CA_FILE and not Path(TSA_CA_FILE).is_file():
    raise ImproperlyConfigured(f"CLAIMDESK_TSA_CA_FILE={TSA_CA_FILE!r} is not a readable file.")
# Intake (article to proposed claims): the largest article accepted, in bytes of UTF-8 text.
INTAKE_MAX_BYTES = env_int("CLAIMDESK_INTAKE_MAX_BYTES", 1024 * 1024, minimum=1)
# A name matches an existing source or alias at this rapidfuzz score (0-100); below it a new source is proposed.
INTAKE_SOURCE_MATCH_THRESHOLD = env_int("CLAIMDESK_INTAKE_SOURCE_MATCH_THRESHOLD", 85, minimum=0)
# The claim matcher (verification/matching, docs/matching.md): score in percent at which an existing
# claim is shown as "is it one of these?" (API lookup, desk, intake), and at which it counts as the
# same claim (a duplicate: intake links to it, POST /api/v1/claims answers 409 without `force`).
MATCH_SUGGEST_SCORE = env_int("CLAIMDESK_MATCH_SUGGEST_PERCENT", 40, minimum=0) / 100
MATCH_LINK_SCORE = env_int("CLAIMDESK_MATCH_LINK_PERCENT", 80, minimum=0) / 100
# Proposals shorter than this (in words) are only ever suggested as duplicates, never linked.
INTAKE_LINK_MIN_WORDS = env_int("CLAIMDESK_INTAKE_LINK_MIN_WORDS", 8, minimum=1)
# A claim is one checkable statement: longer text is refused with a field error everywhere.
CLAIM_TEXT_MAX_CHARS = env_int("CLAIMDESK_CLAIM_TEXT_MAX_CHARS", 2000, minimum=1)
# The languages claims are written in (ISO 639-1): a claim entered without a language is detected as
# one of these (verification/language.py); the first is the answer when a text has no letters.
CLAIM_LANGUAGES = tuple(code.strip().lower() for code in env_list("CLAIMDESK_CLAIM_LANGUAGES", ["en", "uk", "ru"]))
if not CLAIM_LANGUAGES or not all(CLAIM_LANGUAGES):
    raise ImproperlyConfigured("CLAIMDESK_CLAIM_LANGUAGES must list at least one ISO 639-1 code, e.g. en,uk,ru.")
# How long an Idempotency-Key (API) or a desk form's one-time token is remembered: a retry within
# this window gets the first answer again instead of a second claim.
IDEMPOTENCY_HOURS = env_int("CLAIMDESK_IDEMPOTENCY_HOURS", 24, minimum=1)
# Collaboration (docs/collaboration.md): how long after posting its author may edit a comment
# (0: never), and whether sign-off refuses (1) or only warns (0) while required checklist items are open.
COMMENT_EDIT_WINDOW_SECONDS = env_int("CLAIMDESK_COMMENT_EDIT_WINDOW_SECONDS", 900, minimum=0)
CHECKLIST_BLOCKS_SIGNOFF = env_bool("CLAIMDESK_CHECKLIST_BLOCKS_SIGNOFF", False)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# JSON bodies nesting deeper than this are refused before parsing: Python's json recurses per level.
API_MAX_JSON_DEPTH = 32
# Longer URLs answer 414 problem+json from the app: kept below gunicorn's --limit-request-line 4094
# (docs/production.md), whose own 414 is a bare HTML page.
MAX_URL_CHARS = 4000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- REST framework ---------------------------------------------------------
# API views subclass verification.api.base.ApiView, which sets these too; as
# defaults they also cover any plain DRF view (bearer keys, scopes, problem+json).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "verification.api.base.ApiAutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["verification.api.auth.MethodScope"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "verification.api.auth.BearerKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["verification.api.throttling.ApiRateThrottle"],
    "EXCEPTION_HANDLER": "verification.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "key": env_str("CLAIMDESK_API_RATE", "600/minute"),
        "anon": env_str("CLAIMDESK_API_ANON_RATE", "60/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claimdesk API",
    "DESCRIPTION": "Verification status of claims in the news, the review queue, sources and webhooks.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind"; each choice set gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "sources.models.SourceKind",
        "RelationKindEnum": "sources.models.SourceRelation.Kind",
        "EvidenceKindEnum": "verification.models.Evidence.Kind",
        "EventKindEnum": "verification.models.ClaimEvent.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
