"""Settings for Nyttig, read from the environment (see .env.example)."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# Lets runtime code subscript generic Django classes (ModelForm[Idea]) as the stubs do.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules

# Without SECRET_KEY outside development and tests the key stays empty, and Django refuses
# to serve ("The SECRET_KEY setting must not be empty") the first time anything needs it.
SECRET_KEY = env_str("SECRET_KEY") or (
    "insecure-development-key-do-not-use-in-production" if DEBUG or TESTING else ""
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
# The container health check calls http://127.0.0.1:8000/helse/ from inside.
ALLOWED_HOSTS += [] if "127.0.0.1" in ALLOWED_HOSTS else ["127.0.0.1"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# A refused form (an expired page, a login in another tab) gets a page in Bokmål that says
# what happened and how to go on, in the site's layout (Django's own has inline style).
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "portal",
    "ideas",
    "portfolio",
    "maturity",
]

MIDDLEWARE = [
    # First: every line logged while answering carries the request's id (portal.logs).
    "portal.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Early, so that the session timeout below can leave a notice for the login page.
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.sessions.SessionTimeoutMiddleware",
    "portal.middleware.LoginRequiredMiddleware",
    "portal.middleware.MembershipMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.VaryOnHtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After MessageMiddleware: a row locked too long elsewhere becomes «prøv igjen».
    "portal.concurrency.RowBusyMiddleware",
]

FORM_RENDERER = "portal.forms.FormRenderer"
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.membership",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Bounded waits (PostgreSQL only): a row locked elsewhere gives up after DB_LOCK_TIMEOUT_MS
# (portal.concurrency turns that into «prøv igjen»), and no query holds a web worker longer
# than DB_STATEMENT_TIMEOUT_MS. The Celery worker gets a longer statement timeout from its
# own environment (docker-compose.yml); 0 turns a limit off.
# PostgreSQL's JIT compiler is off (DB_JIT=on turns it back on): the dashboard's yearly
# aggregates are costed above jit_above_cost, and compiling them took seconds for queries
# that run in a few hundred milliseconds (bench/README.md). Nyttig has no analytic queries
# long enough to win it back.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={env_int('DB_LOCK_TIMEOUT_MS', 3000)} "
        f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 30000)} "
        f"-c jit={'on' if env_str('DB_JIT', 'off') == 'on' else 'off'}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: local accounts with email login. Staff are invited, not self-registered.
ACCOUNT_ADAPTER = "portal.adapters.InviteOnlyAccountAdapter"
ACCOUNT_FORMS = {"login": "portal.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Password guessing: allauth counts failed logins in the Django cache (below: Redis when
# REDIS_URL is set, so every gunicorn worker sees the same count). Per address, 5 failures
# in 5 minutes, then a cool-off until the oldest of them is 5 minutes old (a sliding window,
# never a permanent lockout); per client IP 30 a minute, which a town hall's shared NAT
# stays below. Behind a reverse proxy set ALLAUTH_TRUSTED_PROXY_COUNT (or the header) so the
# IP is the client's, not the proxy's.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "30/m/ip,5/5m/key"),
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("ALLAUTH_TRUSTED_CLIENT_IP_HEADER") or None
# Password reset for an address nobody has: send nothing (allauth would mail a sign-up link
# to a sign-up view Nyttig does not have) and answer exactly as for a known address.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_PREVENT_ENUMERATION = True

# Entra ID (Microsoft) sign-in: one allauth OpenID Connect app per organisation, made from
# the organisation's fields by portal.identity.configure_entra (docs/architecture.md
# «Sign-in»). Users are keyed by the app (one tenant) and the token's object id, never
# matched by e-mail; the adapter checks the tenant again before a login is accepted.
SOCIALACCOUNT_ADAPTER = "portal.adapters.EntraSocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("ENTRA_REQUESTS_TIMEOUT", 5)
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
# The authority an organisation's app talks to; {tenant} is its tenant id. The issuer of
# the ID token must be this same URL (Entra's v2.0 issuer). Tests point it at a local
# OpenID provider; nothing else should change it.
ENTRA_AUTHORITY = env_str("ENTRA_AUTHORITY", "https://login.microsoftonline.com/{tenant}/v2.0")

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# Addresses in user text («www.ks.no») become https:// links, not http:// (Django 7's default).
URLIZE_ASSUME_HTTPS = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not (DEBUG or TESTING))
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise reads the apps' static folders directly (no collectstatic).
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Attachments are served only through ideas.views.attachment_download (members only, as
# downloads): there is deliberately no MEDIA_URL route.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Form fields other than files stay small; uploads above 2.5 MB stream to a temporary file
# instead of memory. Cap the whole request body at the proxy too (e.g. 11 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Content Security Policy: no inline script or style anywhere; htmx is served from 'self'.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # «Logg inn med Entra ID» posts here and is redirected to Microsoft's sign-in, which
    # form-action covers too (ENTRA_FORM_ACTION: another authority's origin).
    "form-action": [
        CSP.SELF,
        *env_list("ENTRA_FORM_ACTION", "https://login.microsoftonline.com"),
    ],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# HTTPS, on in production unless HTTPS=false (a plain-http compose on a laptop; the old
# name SECURE_COOKIES still works). Which requests came over HTTPS is gunicorn's call: it sets
# the scheme from X-Forwarded-Proto only for the proxies in FORWARDED_ALLOW_IPS (Makefile
# `serve`), so Django trusts no forwarded header of its own (no SECURE_PROXY_SSL_HEADER) and
# a client talking to gunicorn directly cannot claim HTTPS.
HTTPS = not (DEBUG or TESTING) and env_bool("HTTPS", default=env_bool("SECURE_COOKIES", True))
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^helse/$"]  # the container health check asks over plain http
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Cookies: `__Host-` names over HTTPS (secure, whole site, no Domain: a neighbour sub-domain
# cannot set or shadow them), SameSite=Lax. The CSRF cookie ends with the browser session
# and its token is rotated at login (Django), so it lives no longer than the session.
SESSION_COOKIE_NAME = "__Host-nyttig-sesjon" if HTTPS else "nyttig-sesjon"
CSRF_COOKIE_NAME = "__Host-nyttig-csrf" if HTTPS else "nyttig-csrf"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_AGE = None
# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request and, however busy, after
# SESSION_ABSOLUTE_TIMEOUT seconds from login (portal.sessions.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 3600)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Email (Django 6.1 MAILERS): SMTP when EMAIL_HOST is set, otherwise printed to the console.
email_host = env_str("EMAIL_HOST")  # lower case: not a (deprecated) setting itself
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 30,
            },
        }
        if email_host
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Nyttig <ikke-svar@nyttig.example>")
# How long a worker's claim on an unsent mail holds (ideas.emails): longer than a mail task
# may run (portal.mail.MAIL_TASK_TIME_LIMIT, 120 s), so a claim never runs out under a worker
# still sending; after a worker dies, the sweep sends the mail once this has passed.
MAIL_LEASE_SECONDS = env_int("MAIL_LEASE_SECONDS", 3 * 60)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Celery: with no REDIS_URL, tasks run in process (eagerly) so a laptop needs no broker.
# Where tasks run, and what each timeout below is for: docs/architecture.md.
REDIS_URL = env_str("REDIS_URL")
# One cache for every process: failed-login counts (above) must be shared by all web
# workers, so with REDIS_URL the cache is Redis (portal.cache: an unreachable Redis is an
# empty cache, never an error); a laptop without it uses memory.
CACHES = {
    "default": (
        {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Tests clear their own keys (tests/conftest.py) and nothing of Celery's.
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "nyttig-test" if TESTING else "nyttig"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_BROKER_URL = REDIS_URL or "memory://"
# The queue web processes send to and workers take from: deployments (or a load test) that
# share one Redis keep apart by giving each its own name.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
# No result backend: nobody reads a task's return value (tests look at the database and the
# mail outbox), and a backend makes the web process subscribe to Redis for every task it
# queues, which made a request hang for 19 s when Redis was down.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up within about a second when Redis is down or hangs, so a request that
# queues mail after its commit answers anyway: the rows are the outbox, and the sweep
# below queues them again (portal.celery.enqueue_on_commit logs the failure).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Redis redelivers a task not acknowledged within this many seconds (see below).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    # A Redis that accepts connections but never answers (stopped, half-open) would
    # otherwise block a publish for ever. Above the workers' 1 s BRPOP timeout.
    "socket_timeout": 2,
    # Redis redelivers a task not acknowledged within this time (acks_late). It must be
    # longer than the longest countdown/ETA a task is queued with (mail retries back off
    # to at most 60 s) and the longest task run (10 min), or Redis hands a still waiting
    # or running task to a second worker. An hour leaves room for both.
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for tasks past the visibility timeout whose worker died
    # (kombu's default throttle of 10 would make that every 100 s).
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
}
# A worker child is replaced once it has grown past this (KiB, checked after each task) or
# after this many tasks: WeasyPrint does not give a large report's memory back to the OS.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 300_000)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 100)
# Each worker process lays out a one-line PDF when it starts (portal.celery.warm_up_pdfs), so
# that no report pays WeasyPrint's start-up (about 1 s).
PDF_WARM_UP = env_bool("PDF_WARM_UP", True)
# A document written as two variants (the council report's pdf/ua-1 and pdf/a-3a) is written
# by two processes at once, the second a fork of the worker (portal.pdf.write_pdfs): about
# 2 s less of a 500-initiative report on two cores, for up to ≈ 150 MB more memory meanwhile.
PDF_PARALLEL_WRITES = env_bool("PDF_PARALLEL_WRITES", True)

# The yearly strategy report (maturity.tasks.make_strategy_report). Its hard time limit must
# stay below the visibility timeout, or Redis hands a report still being made to a second
# worker; the soft limit lets the task record a Bokmål error before the hard one kills it.
REPORT_TIME_LIMIT = env_int("REPORT_TIME_LIMIT", 10 * 60)
REPORT_SOFT_TIME_LIMIT = env_int("REPORT_SOFT_TIME_LIMIT", REPORT_TIME_LIMIT - 60)
if not 0 < REPORT_SOFT_TIME_LIMIT < REPORT_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "Need 0 < REPORT_SOFT_TIME_LIMIT < REPORT_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT, got "
        f"{REPORT_SOFT_TIME_LIMIT}, {REPORT_TIME_LIMIT}, {CELERY_VISIBILITY_TIMEOUT}."
    )


def env_day_month(name: str, default: str) -> tuple[int, int]:
    """A «dd.mm» date of every year, such as 15.01; anything else stops the start."""
    value = env_str(name, default).strip()
    try:
        day, month = (int(part) for part in value.split("."))
        date(2024, month, day)  # a leap year: 29.02 is a date
    except ValueError as error:
        message = f"{name} must be a day and month as dd.mm, got {value!r}."
        raise ImproperlyConfigured(message) from error
    return day, month


# Beat makes every organisation's report for the year before on this date (dd.mm), at 05:00.
STRATEGY_REPORT_DAY, STRATEGY_REPORT_MONTH = env_day_month("STRATEGY_REPORT_DATE", "15.01")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Everyone who chose the daily digest gets it before the working day (Oslo time).
    # ideas.emails.DIGEST_AT must say the same time.
    "send-daily-digests": {
        "task": "ideas.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),
    },
    # Pådrivere and benefit owners are reminded of due status reports and measurements, at
    # 07:00 and then hourly through the working day: a run only sends what nobody was reminded
    # of today (the reminder.sent events), so a run lost while Redis was down is made up by
    # the next one instead of being skipped until tomorrow.
    "send-due-reminders": {
        "task": "portfolio.tasks.send_due_reminders",
        "schedule": crontab(hour="7-16", minute=0),
    },
    # The mail outbox: rows not sent a minute after they were written (Redis was down, the
    # mail server refused past the retries, a worker died) are queued again.
    "requeue-unsent-mail": {
        "task": "ideas.tasks.requeue_unsent_mail",
        "schedule": 60.0,
    },
    # The invitation outbox (portal.invitations): mails not sent a minute after the
    # invitation was saved are queued again.
    "requeue-unsent-invitations": {
        "task": "portal.tasks.requeue_unsent_invitations",
        "schedule": 60.0,
    },
    # The yearly strategy report for kommunestyret, for the year before: on the day, and on
    # each day after it that month, so a run lost while Redis was down is made up the next
    # morning (an organisation that has its yearly report gets no second one).
    "make-yearly-strategy-reports": {
        "task": "maturity.tasks.make_yearly_reports",
        "schedule": crontab(
            hour=5,
            minute=0,
            day_of_month=f"{STRATEGY_REPORT_DAY}-31",
            month_of_year=STRATEGY_REPORT_MONTH,
        ),
    },
    # The report outbox: reports still queued a minute after they were requested (Redis was
    # down), and reports whose worker died (their claim ran out), are queued again.
    "requeue-pending-reports": {
        "task": "maturity.tasks.requeue_pending_reports",
        "schedule": 60.0,
    },
}

# One JSON object per line (portal.logs): time, level, logger, message, request_id, user_id,
# organisation_id and the event's fields. LOG_FORMAT=text gives readable lines for a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT is json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "portal.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "portal.logs.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s u=%(user_id)s "
            "o=%(organisation_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step of a PDF at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

if TESTING:
    # Hashing passwords slowly is the point in production and a waste in tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
