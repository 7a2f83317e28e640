"""Settings for ylqgsl, read from the environment.

Every value comes from an environment variable with a typed reader; a malformed value fails at
start-up. The defaults let a fresh clone run on SQLite with a broker that needs no server
(`make run`); production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and friends.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
# A developer's machine may keep its settings in a git-ignored .env (`make install` writes
# one with DEBUG=true). Variables set in the environment win; production sets them there.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Embedded defaults keep everything a development run writes (SQLite, broker queue, uploads)
# in one ignored folder.
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / ".data")))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

# Older keys, still accepted for signed data and for phone numbers encrypted under them
# (core/fields.py) while SECRET_KEY is rotated.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# With SECRET_KEY, derives the key that encrypts phone numbers at rest (not itself a secret).
SALT_KEY = env.list("SALT_KEY", default=["ylqgsl-phone-numbers"])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
PORTAL_NAME = env.str("PORTAL_NAME", default="延庆区工商联会员服务平台")

INSTALLED_APPS = [
    "ylqgsl.third_party.AdminConfig",  # django.contrib.admin, with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "ylqgsl.third_party.AxesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "import_export",
    "simple_history",
    "csp",
    "cachalot",
    "core",
    "ylqgsl",
    "members",
    "notices",
    "chambers",
    "events",
    "petitions",
    "policies",
    "visits",
    "services",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Bidirectional control characters out of every text sent (after the CSRF check).
    "ylqgsl.middleware.UserTextMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last: it turns a locked-out login into a 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ylqgsl.urls"
WSGI_APPLICATION = "ylqgsl.wsgi.application"

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
                "ylqgsl.context_processors.portal",
                "notices.context_processors.unread_notices",
                "chambers.context_processors.navigation",
                # Last: a kept page's CSRF tokens are filled in each time it is sent.
                "core.pagecache.kept_csrf",
            ],
            "builtins": ["ylqgsl.templatetags.portal"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'ylqgsl.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one file in development: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Persistent connections for gunicorn workers and Celery tasks. Celery's Django fix-up
    # closes connections around every task unless CELERY_DB_REUSE_MAX is set; with it set,
    # ylqgsl/celery.py closes only the old or broken ones, as Django does per request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiler is off: it pays off on long analytical queries, and the
    # portal's are short. At a million petitions the planner's row estimates crossed its
    # threshold on small queries (an event's problems, joined to their petitions: 0 rows,
    # 0.1 ms to run, 800 ms to compile). bench/pages.py measures every page with it off.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options"), "-c jit=off"]))
    CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# A cache that every web and Celery process shares (Redis, Memcached): cached page parts and
# counts rely on seeing the same "last changed" stamps as the process that wrote.
CACHE_IS_SHARED = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
if CACHE_IS_SHARED:
    # Sessions read from the cache, written through to the database (they survive the cache
    # being emptied). Not with a per-process cache: one process would not see another end a
    # session.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Rendered parts of the busiest pages (the navigation, the member directory, an enterprise's
# page) are kept this many seconds, or until a table they show changes; 0 turns this off.
# Only with a shared cache: a per-process cache would not see another process's writes.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
# A whole list or detail page kept for the viewer who asked (core.pagecache.kept_page): at most
# this old; 0 renders every page afresh (the parts above are still cached).
KEPT_PAGE_SECONDS = env.int("KEPT_PAGE_SECONDS", default=60)
# django-cachalot, used only for its record of when each table last changed: every ORM write
# renews its table's stamp, inside a transaction at commit (core/stamps.py renews it
# again once a write outside a transaction is done).
# Its query cache stays off (CACHALOT_ENABLED); the stamps outlive any part keyed on them.
CACHALOT_ENABLED = False
# The portal writes only through the ORM (migrations' SQL is covered by a stamp renewal after
# each migrate): no need to scan every raw statement for writes.
CACHALOT_INVALIDATE_RAW = False
CACHALOT_TIMEOUT = max(PAGE_CACHE_SECONDS, 300) * 4
CACHALOT_UNCACHABLE_TABLES = (
    # Written on every login, lockout check or beat tick; no cached part shows them.
    "django_migrations",
    "django_session",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "axes_accesslog",
    "django_celery_beat_periodictask",
    "django_celery_beat_periodictasks",
    # Written with every object a form creates (core.submissions); no cached part shows it.
    "core_submission",
    # Written as each background job starts and ends; no cached part shows it.
    "core_job",
    # Written as a notice fan-out is recorded and after each batch of its notices; no cached
    # part shows it (the notices themselves are tracked).
    "notices_fanout",
)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the signed-in user read from the cache while their rows are unchanged
    # (phone numbers left out of the cached copy).
    "core.auth.CachedModelBackend",
]
# Relations read with the signed-in user and cached with it (core/auth.py): a member user's
# enterprise decides what they may see on every page.
AUTH_USER_CACHED_RELATED = ("enterprise",)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes: lock an account+address pair out after repeated failures, and an address
# after repeated failures over any accounts (ylqgsl/lockout.py). The address is the client's
# as seen by the outermost of TRUSTED_PROXY_COUNT reverse proxies (0: the connecting address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "ylqgsl.lockout.client_ip_address"
AXES_HANDLER = "ylqgsl.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", default=30) / 60  # hours
# The order matters to LockoutHandler: the pair first, then the address alone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# Django's login form sends the e-mail address in a field named "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password", "mobile", "contact_mobile", "contact_phone"]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project's catalogue (rebuilt by `make messages`) first, then the hand-kept one for other
# packages' strings that their catalogues leave in English or word badly.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "third_party"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ylqgsl.formats"]

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party front-end assets come from npm (package.json), never a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# Uploads (business licences) are private: kept outside the static tree and served only
# through views that check who is asking.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(DATA_DIR / "private")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
# Limits on what an upload unpacks to (core/uploads.py): an image's pixels (a 600-dpi A4
# scan is 35 million), an Office file's total unzipped size and any large member's
# compression ratio (Apache POI refuses past 100 as well).
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=64_000_000)
UPLOAD_MAX_UNZIPPED_BYTES = env.int("UPLOAD_MAX_UNZIPPED_BYTES", default=100 * 1024 * 1024)
UPLOAD_MAX_ZIP_RATIO = env.int("UPLOAD_MAX_ZIP_RATIO", default=100)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="延庆区工商联 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = DATA_DIR / "broker"
    for _folder in ("processed", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
        # Broadcast (worker control) messages, which otherwise land in the working directory.
        "control_folder": str(_queue_dir / "control"),
    }
else:
    # Scheduled work is found by beat-driven scans, so no task waits in the broker longer
    # than this; a late-acknowledged task is redelivered only after a worker is lost.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat reads its schedules from the database only: ylqgsl/schedules.py puts them there after
# `migrate`, and staff change them in the admin (a schedule here would be written over theirs
# each time beat starts).
CELERY_BEAT_SCHEDULE = {}
# No result backend keeps results (CELERY_TASK_IGNORE_RESULT), so beat has none to clean up.
CELERY_RESULT_EXPIRES = None

# --- Security -------------------------------------------------------------------------------
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# --- Logging --------------------------------------------------------------------------------
# Error reports show which fields a request posted, never their values.
DEFAULT_EXCEPTION_REPORTER_FILTER = "notices.admin_errors.WithoutPostValues"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        # Django's error e-mails to ADMINS, queued like every other e-mail (sent by the
        # worker, retried), never sent inside the failing request.
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "notices.admin_errors.QueuedAdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Request bodies (which may hold phone numbers) are never logged.
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.request": {"level": "ERROR"},
        # A request for a host not in ALLOWED_HOSTS (scanners send thousands) is answered 400
        # and logged, but is no error report: no row and no e-mail to ADMINS for each.
        "django.security.DisallowedHost": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
        },
        # Axes logs the address typed at every attempt; the attempts are kept in its tables
        # (visible in the admin), so personal data stays out of the logs.
        "axes": {"level": "ERROR"},
    },
}

ADMINS = [("Admin", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Portal ---------------------------------------------------------------------------------
# The text the applicant consents to, versioned: the version is stored with each consent.
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="2026-11")
DIRECTORY_PAGE_SIZE = env.int("DIRECTORY_PAGE_SIZE", default=50)
# Days before a duty month that its chair and seconded staff are reminded.
DUTY_REMINDER_DAYS = env.int("DUTY_REMINDER_DAYS", default=7)
# Days before a policy's application window closes that matched enterprises which have not
# marked it handled are reminded (policies/push.py).
POLICY_REMINDER_DAYS = env.int("POLICY_REMINDER_DAYS", default=7)
# How long before a petition deadline its handler is reminded, and when a silent enterprise
# is reminded to rate a reply.
PETITION_FIRST_RESPONSE_LEAD_HOURS = env.int("PETITION_FIRST_RESPONSE_LEAD_HOURS", default=4)
PETITION_REPLY_LEAD_HOURS = env.int("PETITION_REPLY_LEAD_HOURS", default=24)
PETITION_RATING_REMINDER_WORKING_DAYS = env.int("PETITION_RATING_REMINDER_WORKING_DAYS", default=3)
# Every member enterprise should be visited at least once in this many years (visits/): the
# members that no visit reached in that time are listed as overdue.
VISIT_COVERAGE_YEARS = env.int("VISIT_COVERAGE_YEARS", default=3)
# Seconds the dashboard keeps its computed figures (per year and language); 0 computes them
# on every request.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# How often beat computes this year's yearly-report figures so far (kept in the database;
# reports.services.keep_this_years_figures).
REPORT_FIGURES_SECONDS = env.int("REPORT_FIGURES_SECONDS", default=300)
# Background jobs (core/jobs.py): how long a job and its result (an import's report, an
# export's file) are kept; exports of more rows than this run as jobs; imports of more rows
# than this are refused.
JOB_KEEP_SECONDS = env.int("JOB_KEEP_SECONDS", default=7 * 24 * 3600)
EXPORT_IMMEDIATE_ROWS = env.int("EXPORT_IMMEDIATE_ROWS", default=2000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
