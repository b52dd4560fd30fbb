"""Settings, read from the environment in this one place.

With nothing set the product runs on its embedded default: SQLite and a
filesystem Celery broker under DATA_DIR, no server to install. A county
deployment sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL or REDIS_URL
(Redis), SECRET_KEY, ALLOWED_HOSTS and MEDIA_ROOT. The README lists them all.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Everything the embedded default writes (database, broker queue, uploads,
# collected static files) lives in one folder, kept out of git.
DATA_DIR = Path(env("DATA_DIR", default=str(BASE_DIR / "var")))

# pytest (>= 8.2) exports PYTEST_VERSION for the whole session.
TESTING = "PYTEST_VERSION" in os.environ

DEBUG = env.bool("DEBUG", default=False)
DEMO_MODE = env.bool("DEMO_MODE", default=False)

# The fallback key is for the embedded demo only; a deployment sets its own.
SECRET_KEY = env(
    "SECRET_KEY",
    default="demo-only-insecure-key-9c1f0e3a7b5d4e2f8a6c1b3d5e7f9a0b2c4d6e8f",
)
# Behind nginx, which sets X-Real-IP to the client's address (deploy/nginx/branchwork.conf).
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "auditlog",
    "csp",
    "django_ratelimit",
    # the product's apps by floor: each imports only apps on the floors below it (tests/architecture/test_floors.py)
    "branches",  # 1 (floor 0 is common/, helpers without models)
    "audit",  # 2
    "inbox",  # 2
    "accounts",  # 3
    "records",  # 3
    "scoring",  # 4
    "inspections",  # 5
    "ratings",  # 5
    "targets",  # 5
    "campaigns",  # 6
    "duty_reports",  # 7
    "awards",  # 8
    "reports",  # 9
    "home",  # 10
    "ops",  # 10
]

MIDDLEWARE = [
    "common.middleware.ClientAddressMiddleware",
    # outermost but one: a 405's empty body becomes a Chinese page (it needs the user the inner ones set)
    "common.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # https://whitenoise.readthedocs.io/en/stable/django.html
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # the actor and address of every model change (django-auditlog)
    "auditlog.middleware.AuditlogMiddleware",
    "accounts.middleware.PasswordPolicyMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "audit.middleware.AuditDenialMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # last, as django-axes asks: it turns a locked-out login into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "branches.context_processors.navigation",
                "inbox.context_processors.inbox",
            ],
            # the countdown badge every page with a deadline uses (common/ is floor 0, not an app)
            "builtins": ["common.templatetags.deadlines"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write at the same time: WAL lets readers
    # go on during a write, IMMEDIATE takes the write lock up front instead of
    # failing half-way with "database is locked".
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so a real Celery worker process started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "branches.User"

# --- Authentication ---------------------------------------------------------
# 等保 2.0 身份鉴别: 8+ characters of three kinds, not containing or like the user
# name, not a common password, not one of the last 5; changed every PASSWORD_MAX_AGE_DAYS.
# Every password set is recorded in the audit trail (HistoryValidator.password_changed).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {"NAME": "accounts.passwords.UsernameValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.CompositionValidator", "OPTIONS": {"kinds": 3}},
    {"NAME": "accounts.passwords.HistoryValidator", "OPTIONS": {"count": 5}},
]
# The audit trail (django-auditlog into our own table, with the product's events beside the model changes).
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
# auditlog's own migrations would create its unused default table: our AuditEntry replaces it
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_STORE_JSON_CHANGES = True
AUDIT_RETENTION_DAYS = max(180, env.int("AUDIT_RETENTION_DAYS", default=180))
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0 if DEMO_MODE else 90)
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked account or address before the password is checked
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login failures (django-axes; its defaults are 3 failures and a lock for good):
# 5 failures within 15 minutes lock the account, and separately the address, for
# 30 minutes; the security administrator can unlock. Each failure is logged with
# its time (axes' failure log) and accounts/lockout.py reads the window from it.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_FAILURE_WINDOW = timedelta(minutes=env.int("AXES_WINDOW_MINUTES", default=15))
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_LOCK_MINUTES", default=30))
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# a try while locked is refused and not counted: the lock ends 30 minutes after it began
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # the account's failures, then the address's
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=AXES_FAILURE_LIMIT)
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "accounts.lockout.client_username"  # bounded to axes' column
# not reset by a success: axes would clear every failure from the same address,
# so one's own login would wipe the count against another account
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# Sessions live in the database (a Redis outage logs nobody out), end after
# SESSION_IDLE_MINUTES without a request and when the browser closes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if TESTING:
    # Hashing cost is not what the tests check; it made each test seconds long.
    # https://docs.djangoproject.com/en/5.2/topics/testing/overview/#password-hashing
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Language and time --------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    # written to a temporary file and linked into place: never half-written (config/storage.py)
    "default": {"BACKEND": "config.storage.AtomicFileSystemStorage"},
    # Tests render pages without running collectstatic first, so they use the
    # plain storage; everywhere else whitenoise serves hashed, compressed files.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Register imports are small spreadsheets; refuse anything larger early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploaded files get owner-only permissions; they are served through views that check scope.
FILE_UPLOAD_PERMISSIONS = 0o600
REGISTER_IMPORT_MAX_BYTES = env.int("REGISTER_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
EVIDENCE_MAX_FILE_BYTES = env.int("EVIDENCE_MAX_FILE_BYTES", default=15 * 1024 * 1024)
EVIDENCE_MAX_SHEET_BYTES = env.int("EVIDENCE_MAX_SHEET_BYTES", default=200 * 1024 * 1024)
EVIDENCE_MAX_RECORD_BYTES = env.int("EVIDENCE_MAX_RECORD_BYTES", default=2 * 1024 * 1024 * 1024)

# --- Forms and tables ---------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# --- Celery -----------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=env("REDIS_URL", default="filesystem://"))
if CELERY_BROKER_URL == "filesystem://":
    # Tests (and the worker processes they start) use their own queue folder,
    # so a test run never touches a running product's jobs.
    _broker_dir = Path(env("BROKER_DIR", default=str(DATA_DIR / ("broker-test" if TESTING else "broker"))))
    # https://docs.celeryq.dev/projects/kombu/en/stable/reference/kombu.transport.filesystem.html
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # the exchange tables; kombu's default is control/ in the working directory (the repository)
        "control_folder": str(_broker_dir / "control"),
    }
    for _folder in ("queue", "processed", "control"):  # kombu creates none of them with their parents
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    # A job is acknowledged only when it finished, so a worker killed mid-job
    # hands it to another; visibility_timeout must exceed the longest job.
    # fail fast when Redis is down: the request keeps the job and says so (reports.services._send)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
# Jobs record their own state in the database; no result backend is needed.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 12 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# WeasyPrint keeps memory after large documents; recycle a worker process past this (KiB).
# https://docs.celeryq.dev/en/stable/userguide/workers.html#max-memory-per-child-setting
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=600_000)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=50)
# A running job that has not reported for this long lost its worker and is retried.
REPORT_JOB_STALE_SECONDS = env.int("REPORT_JOB_STALE_SECONDS", default=120)
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=20)
HEALTH_MIN_FREE_MB = env.int("HEALTH_MIN_FREE_MB", default=500)
REPORT_JOB_MAX_ATTEMPTS = env.int("REPORT_JOB_MAX_ATTEMPTS", default=3)
# WeasyPrint holds about 1.7 MB a page: past this many score sheets (a few hundred
# pages) a document is split into one PDF per township, packed in a ZIP.
REPORT_SHEETS_PER_PDF = env.int("REPORT_SHEETS_PER_PDF", default=30)

# --- Reminders (站内消息) -------------------------------------------------------------
# The daily reminders (inbox.reminders.run): deadlines in 3 days, overdue ledger items. Celery beat
# puts the task on the queue every hour; only the day's first run finds anything to send (each
# reminder's key is unique per person), so a machine started at noon still sends that day's. In
# the embedded default the worker runs the schedule itself (`celery worker -B`, scripts/start.sh);
# in production one `celery beat` process (deploy/systemd/branchwork-beat.service) for all workers.
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {"task": "inbox.daily_reminders", "schedule": crontab(minute=5)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# E-mail each person the messages not yet mailed, once a run, through Django's EMAIL_* settings
# (an intranet mail server). Off by default: nothing leaves the machine.
INBOX_EMAIL_DIGEST = env.bool("INBOX_EMAIL_DIGEST", default=False)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="branchwork@localhost")

# --- Security headers -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "home.views.csrf_failure"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Served over HTTPS (behind nginx, which sets X-Forwarded-Proto): secure cookies,
# redirect to HTTPS, HSTS. `manage.py check --deploy` is then silent.
if env.bool("HTTPS", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer asks over plain HTTP
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Content-Security-Policy (django-csp; Django 5.2 has none built in): scripts only
# from our own static files, no inline script; inline style attributes are allowed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Cache and rate limits ----------------------------------------------------------
# Rate limits count in the cache, which every process must share (the start script runs 3 gunicorn
# workers): a table in the database in the embedded default (`manage.py createcachetable`, run by
# scripts/start.sh; config/cache.py), Redis in production (CACHE_URL=rediscache://host:6379/2).
# https://docs.djangoproject.com/en/5.2/topics/cache/#database-caching
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://branchwork_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    CACHES["default"]["BACKEND"] = "config.cache.LockingDatabaseCache"  # increments that processes cannot interleave
RATELIMIT_VIEW = "campaigns.views.rate_limited"
RATELIMIT_FAIL_OPEN = True  # the public notice stays up when the cache is down
PUBLIC_RATE = env("PUBLIC_RATE", default="30/m")
# objections sent from the public notice, per address (a township behind one NAT address shares it)
PUBLIC_OBJECTION_RATE = env("PUBLIC_OBJECTION_RATE", default="10/h")
# W001: Django's own RedisCache and our locking database cache increment atomically but are not on the
# library's list (its E003 still refuses a per-process or non-atomic cache, e.g. CACHE_URL=locmemcache://).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every render step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

DATA_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
