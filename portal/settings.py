"""Settings of the Kyiv coordination portal: one module, every deployment value from the env.

See `.env.example` for the full list of variables.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from portal.env import (
    celery_broker_from_redis_url,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "portal",
    "cases",
    "orders",
    "referrals",
    "programme",
    "portal.admin_config.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "simple_history",
    "django_htmx",
    "template_partials",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.security.RejectNullBytesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.session_views.SessionActivityMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]

# Form widgets are drawn with Jinja2: the same HTML, several times faster (portal/rendering.py).
FORM_RENDERER = "portal.rendering.WidgetRenderer"

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
# Name search tolerates typos and Ukrainian case endings ("Шевчнко", "Шевченка" → Шевченко):
# word similarity from 0.45 instead of pg_trgm's 0.6.
DATABASES["default"]["OPTIONS"].setdefault(
    "options", "-c pg_trgm.word_similarity_threshold=0.45 -c pg_trgm.similarity_threshold=0.3"
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Statistics, reports and exports read from a streaming replica when one is given
# (portal/dbrouting.py); one that lags more than this many seconds is skipped for the primary.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **database_from_url(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # The test suite never creates a second test database for it.
        "TEST": {"MIRROR": "default"},
    }
    DATABASES["replica"]["OPTIONS"].setdefault(
        "options", DATABASES["default"]["OPTIONS"]["options"]
    )
DATABASE_ROUTERS = ["portal.dbrouting.ReplicaRouter"]
PORTAL_REPLICA_MAX_LAG_SECONDS = env_int("PORTAL_REPLICA_MAX_LAG_SECONDS", 30)
PORTAL_REPLICA_CHECK_SECONDS = env_int("PORTAL_REPLICA_CHECK_SECONDS", 5)
# The role the application connects as: no superuser, no owner, only SELECT and INSERT on the
# audit log (portal/dbroles.py). Migration 0003 grants it its privileges when it exists.
PORTAL_DB_APP_ROLE = env_str("PORTAL_DB_APP_ROLE", "portal_app")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        # Fails open: with Redis down pages work without the cache (portal/caching.py).
        "BACKEND": "portal.caching.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("PORTAL_CACHE_PREFIX", "portal"),
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # django-axes (with the per-address limit on top) must come first, so that a locked-out
    # user or address is refused before any password is checked.
    "portal.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CharacterClassValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "portal:login"

# Lock-out after repeated failures (django-axes), counted per user name AND address: a stranger
# typing the coordinator's user name five times locks only their own address out of that account,
# never the coordinator in her office.
AXES_FAILURE_LIMIT = env_int("PORTAL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PORTAL_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address axes counts is the one the audit log records (first X-Forwarded-For hop behind the
# production proxy, REMOTE_ADDR otherwise), so a lock-out and its audit line name the same client.
AXES_CLIENT_IP_CALLABLE = "portal.middleware.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Guessing across many user names from one address: after this many failed sign-ins from one
# address within the window, that address is refused (whatever the user name) until its older
# failures leave the window. A district office behind one NAT address stays well below it.
PORTAL_ADDRESS_FAILURE_LIMIT = env_int("PORTAL_ADDRESS_FAILURE_LIMIT", 20)
PORTAL_ADDRESS_FAILURE_WINDOW = timedelta(
    minutes=env_int("PORTAL_ADDRESS_FAILURE_WINDOW_MINUTES", 15)
)

# A signed-in session ends after this much inactivity. The expiry slides with activity:
# portal.session_views.SessionActivityMiddleware renews it at most once per
# PORTAL_SESSION_RENEW_SECONDS instead of writing the session row on every request, and never
# for background polling or anonymous visitors (who get no session row at all).
SESSION_COOKIE_AGE = env_int("PORTAL_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
PORTAL_SESSION_RENEW_SECONDS = 60
# The page warns this long before the expiry and offers "Stay signed in".
PORTAL_SESSION_WARNING_SECONDS = 120
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor sign-in (TOTP) is required for these roles unless an administrator changes the
# role policy in the admin. The production default covers every role that sees the whole city.
# Whoever has confirmed an authenticator is always asked for its code, whatever the role policy.
PORTAL_TWO_FACTOR_ROLES = env_list(
    "PORTAL_TWO_FACTOR_ROLES", ["coordinator", "secretariat", "administrator"]
)
OTP_TOTP_ISSUER = "Kyiv coordination portal"

# --- HTTPS and cookies ------------------------------------------------------------------------
SECURE_COOKIES = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", SECURE_COOKIES)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_COOKIES else None
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS preload is a decision for the city's domain.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Kyiv"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

# --- Static and private files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True  # the demo serves static files without a collectstatic step
# Attachments and generated reports: never under a public URL, only through checked views.
PORTAL_PRIVATE_ROOT = Path(env_str("PORTAL_PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
MEDIA_ROOT = PORTAL_PRIVATE_ROOT
# No URL route serves this path: files leave only through views that check permission. (Django's
# test live server needs a string here.)
MEDIA_URL = "/_private-files-are-never-served-directly/"
PORTAL_ATTACHMENT_MAX_BYTES = env_int("PORTAL_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_TLS", False)
EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "portal@kyiv-coordination.local")
# The portal's address as users reach it: e-mails carry absolute links built from it.
PORTAL_SITE_URL = env_str("PORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = celery_broker_from_redis_url(REDIS_URL)
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must answer at once, not hold a request: publishing goes through the
# outbox (portal.outbox), which keeps what could not be sent. An unacknowledged task (its worker
# was killed) comes back after the visibility timeout; reports also have their own watchdog.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    "visibility_timeout": 30 * 60,
    # Publishing tries a lost connection once more, at once, then gives up (kombu would
    # otherwise sleep through its default retries while a request waits).
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 10
# Queues by urgency: escalations, expiry notices and the outbox relay never wait behind a PDF.
# docs/deployment.md: one worker for `notices,default`, another for `reports`.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "referrals.tasks.*": {"queue": "notices"},
    "orders.tasks.*": {"queue": "notices"},
    "portal.tasks.relay_outbox": {"queue": "notices"},
    "programme.tasks.render_report": {"queue": "reports"},
}
PORTAL_CELERY_QUEUES = ["notices", "default", "reports"]
# Every periodic task of the portal, in one place.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "portal-heartbeat": {"task": "portal.tasks.heartbeat", "schedule": timedelta(minutes=5)},
    "orders-expiry-watch": {
        "task": "orders.tasks.watch_expiring_orders",
        "schedule": timedelta(minutes=15),
    },
    "referrals-escalate-overdue": {
        "task": "referrals.tasks.escalate_overdue_referrals",
        "schedule": timedelta(minutes=5),
    },
    "outbox-relay": {"task": "portal.tasks.relay_outbox", "schedule": timedelta(minutes=1)},
    # Art. 16 of the Law: closed cases lose their personal data after the retention period.
    "depersonalise-due-cases": {
        "task": "cases.tasks.depersonalise_due_cases",
        "schedule": crontab(minute=15, hour=3),
    },
    # Tasks due tomorrow (plan actions, conference decisions) reminded to their assignees.
    "cases-task-reminders": {
        "task": "cases.tasks.remind_tasks_due",
        "schedule": crontab(minute=0, hour=7),
    },
    # The statistics rollups follow the day's writes (programme.rollups), so that a
    # statistics read rarely has days to recompute first.
    "programme-refresh-statistics-rollups": {
        "task": "programme.tasks.refresh_statistics_rollups",
        "schedule": timedelta(minutes=1),
    },
    "programme-resume-stalled-reports": {
        "task": "programme.tasks.resume_stalled_reports",
        "schedule": timedelta(minutes=5),
    },
    "programme-quarterly-report": {
        "task": "programme.tasks.order_quarterly_report",
        # The day after each quarter ends, early in the morning, Kyiv time.
        "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,4,7,10"),
    },
    "council-assignment-reminders": {
        "task": "programme.council.tasks.remind_council_assignments",
        # Every morning, Kyiv time: due in three days to the assignee, overdue to the secretariat.
        "schedule": crontab(minute=30, hour=7),
    },
}

# A report run that has been rendering (or queued with nothing waiting in the outbox) for this
# long is taken as stalled, its worker dead, and started again — at most this many times.
PROGRAMME_REPORT_STALL_MINUTES = env_int("PROGRAMME_REPORT_STALL_MINUTES", 10)
PROGRAMME_REPORT_MAX_ATTEMPTS = env_int("PROGRAMME_REPORT_MAX_ATTEMPTS", 4)

# --- Guardian ---------------------------------------------------------------------------------
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# `seed_demo` refuses to run unless this is set: demo people must never reach a real database.
PORTAL_DEMO_ALLOWED = env_bool("PORTAL_DEMO", False)

# --- Access to single cases ---------------------------------------------------------------------
# A grant that a coordinator gives a colleague on one case lapses after this many days.
PORTAL_GRANT_DAYS = env_int("PORTAL_GRANT_DAYS", 30)
# Break-the-glass access of an administrator to one case: how long it lasts (at most).
PORTAL_BREAK_GLASS_MINUTES = env_int("PORTAL_BREAK_GLASS_MINUTES", 120)
# A referral sent after the procedure's deadline still gives the provider this long to answer.
PORTAL_REFERRAL_MIN_WINDOW_MINUTES = env_int("PORTAL_REFERRAL_MIN_WINDOW_MINUTES", 60)
