"""Settings for Öppna jämförelser. Every value comes from the environment with a default
that runs on a laptop: SQLite, Celery inline, e-mail to files. See docker/.env.example."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-dev-only-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "csp",
    "corsheaders",
    "core",
    "accounts",
    "survey",
    "indicators",
    "reporting",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # the open API only (CORS_URLS_REGEX), before CommonMiddleware
    "csp.middleware.CSPMiddleware",
    "config.headers.permissions_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.session_refresh.refresh_session",  # renews the inactivity expiry at most once a minute
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.headers.no_store_when_logged_in",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",  # staff reach nothing but the code step until verified
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the result of authentication.
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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reuse connections, but test them first so a restarted server costs no failed request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, and a statement run five times on a connection prepared
    # there: PostgreSQL then plans a query that runs on every request a few times per connection
    # instead of every time (half of its CPU on deadline day went to planning; psycopg prepares
    # afresh after a rollback). Django leaves this off for the sake of poolers in transaction mode,
    # which this deployment does not use: connections are direct. Options in DATABASE_URL (such as
    # sslmode) are kept.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
    # Redis down is a cache miss, not an error page (config/cache.py); short timeouts so it is no hang.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CELERY_TASK_ALWAYS_EAGER = CELERY_TASK_EAGER_PROPAGATES = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ACKS_LATE = True
# With Redis down, enqueueing fails within seconds instead of hanging the request; the e-mail
# outbox (core/outbox.py) sends what was written meanwhile once Redis is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# With acks_late, a task whose worker died is delivered again once this many seconds passed since it
# was taken: longer than the longest task (an export takes about a minute), or a live run gets a
# second delivery (which then does nothing, but waits in the queue). A worker's child process
# killed (e.g. out of memory) hands its task back at once (reject_on_worker_lost).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# No task runs for ever: the soft limit raises SoftTimeLimitExceeded in the task (an export then
# fails with its message), the hard one ends the worker's child. Both well below the visibility
# timeout above, so a task ended by the limit is not delivered again as if its worker had died.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=10 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=12 * 60)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Stockholm"

# Accounts: e-mail login, lockout after repeated failures, sessions end after inactivity.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# How long an invitation's personal link to set a password works.
INVITATION_LINK_DAYS = env.int("INVITATION_LINK_DAYS", default=14)
# The e-mail outbox (core/outbox.py): a failed send is tried again after 2, 4, 8 … minutes; after
# this many attempts (about four hours) it has failed and waits on the page *Utskick*.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_AFTER = timedelta(minutes=env.int("OUTBOX_RETRY_AFTER_MINUTES", default=2))
# Rate limits (core/ratelimit.py), per hour: new-password requests per address and per client,
# new invitation links per invited address and per client. Per client generously, since a whole
# office shares one address; the client is REMOTE_ADDR, or the last address the proxy in front
# appended to CLIENT_IP_HEADER (e.g. HTTP_X_FORWARDED_FOR) when that is set.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=20)
INVITATION_RENEWAL_LIMIT_PER_ADDRESS = env.int("INVITATION_RENEWAL_LIMIT_PER_ADDRESS", default=3)
INVITATION_RENEWAL_LIMIT_PER_CLIENT = env.int("INVITATION_RENEWAL_LIMIT_PER_CLIENT", default=20)
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
# Uploads (questionnaires, contact persons, imports): see core/uploads.py. A larger file is
# dropped while it arrives; the request body without files stays small (autosaves are a few kB).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files go to a temporary file
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field, which holds the e-mail address
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
# Not by IP address: a municipality's staff share one NAT address, and one person's typos
# must not lock out a whole social-services office.
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # SQLite cannot enforce AggregateResult's unique area with NULLs not distinct; PostgreSQL does,
    # and the one service that writes aggregates replaces a year's rows in one transaction.
    "models.W047",
]
AXES_LOCKOUT_CALLABLE = "accounts.views.login.locked_out"
# Failures are cleared by a complete login (accounts/lockout.py): for staff, after the code step.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
# Two-factor login (TOTP app, recovery codes) for these roles and anyone with admin-site access.
TWO_FACTOR_ROLES = ["coordinator", "analyst", "admin"]
OTP_TOTP_ISSUER = "Öppna jämförelser"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's key or QR code
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
# The age counts from the last request (expiry on inactivity), renewed at most this often
# (accounts/session_refresh.py) rather than with a write on every request.
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Read from the cache, kept in the database (accounts/session_store.py); a cached copy lives at
# most this long.
SESSION_ENGINE = "accounts.session_store"
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=2 * SESSION_REFRESH_SECONDS)

# Security: strict unless DEBUG; production passes `manage.py check --deploy`.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from this site only, no inline scripts or
# styles and no eval. htmx's inline indicator <style> and its eval features are switched off by
# the htmx-config meta tag in base.html; the SVG charts use classes from site.css, not style="".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: SVGs: Bootstrap's check marks and select arrows, the 2FA QR code
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# No page needs the camera, microphone, location or payments (config/headers.py sends it).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment")
)

# E-mail: files in a folder in development, SMTP given by EMAIL_URL in production.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")  # for links in e-mails
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Öppna jämförelser <noreply@oj.example.se>")
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage")
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# CORS (django-cors-headers) for the open API only: a page on any origin may GET the published results
# with fetch(); no credentials, and nothing else of the site answers with CORS headers.
CORS_URLS_REGEX = r"^/(api/v3/|resultat/publicerade-varden\.csv$)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.RespondentTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "600/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Öppna jämförelser – API för uppgiftslämnare",
    "DESCRIPTION": "Read and change a unit's answers and submit parts, with the same rules as the web form.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Our one PATCH (answers) takes the whole list of changes; a "Patched…" component would make it optional.
    "COMPONENT_SPLIT_PATCH": False,
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Hooks of the apps that build on the survey (survey/hooks.py): the survey calls them by name.
PART_CHANGED_HOOKS = ["indicators.hooks.recompute_year_soon"]
QUESTIONNAIRE_CHECKS = ["indicators.selectors.rules.check_questionnaire"]
PUBLISHED_YEARS = ["indicators.hooks.published_years"]
# Hooks of the apps that build on the indicators: called with the year after a publication or revision commits.
PUBLISHED_HOOKS = ["reporting.hooks.rebuild_results_files"]

# The first survey year of the time series; rounds and memberships start here.
FIRST_SURVEY_YEAR = 2016

# Exports: a running export silent (no heartbeat) for this long lost its worker, and a redelivered
# task or the beat job (reporting.tasks.requeue_stale_exports) takes it over, at most this many times.
EXPORT_STALE_AFTER = timedelta(seconds=env.int("EXPORT_STALE_AFTER_SECONDS", default=120))
EXPORT_MAX_ATTEMPTS = env.int("EXPORT_MAX_ATTEMPTS", default=3)
# Tests only (tests/faults): seconds to wait at each step of an export, so a worker can be killed
# mid-way. Zero, i.e. off, everywhere else.
EXPORT_STEP_DELAY_FOR_TESTS = env.float("EXPORT_STEP_DELAY_FOR_TESTS", default=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
