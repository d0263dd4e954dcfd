"""Django settings for Safeguarding Hub. Every deployment-specific value comes from the
environment; see docs/operators/configuration.md for the full list."""

from __future__ import annotations

import json
import os

import dj_database_url
from django.utils.csp import CSP

from safeguarding.environment import (
    PROJECT_ROOT,
    VAR_DIR,
    env_bool,
    env_list,
    is_production,
    secret,
)

PRODUCTION = is_production()
DEBUG = env_bool("SAFEGUARDING_DEBUG", default=False) and not PRODUCTION
SECRET_KEY = secret("SAFEGUARDING_SECRET_KEY")
# Keys the audit chain's HMAC; kept apart from SECRET_KEY so that rotating one leaves the other.
AUDIT_HMAC_KEY = secret("SAFEGUARDING_AUDIT_KEY")
# Signed checkpoints of the audit head are appended here, outside the database, on every
# worker pass (docs/operators/audit-log.md); empty to take none.
AUDIT_CHECKPOINT_FILE = os.environ.get(
    "SAFEGUARDING_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")
)
# Encrypts second-factor secrets; read here so that a missing key stops start-up, not the
# first sign-in.
FIELD_KEY = secret("SAFEGUARDING_FIELD_KEY")
# The helpline's receipt pepper and rate-limit key are read where they are used; production
# checks them here as well, so that a missing one stops start-up, not the first report.
if PRODUCTION:
    for _helpline_secret in ("SAFEGUARDING_HELPLINE_PEPPER", "SAFEGUARDING_HELPLINE_RATE_KEY"):
        secret(_helpline_secret)
ALLOWED_HOSTS = env_list("SAFEGUARDING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SAFEGUARDING_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "safeguarding.govuk",
    "safeguarding.web",
    "safeguarding.audit",
    "safeguarding.records",
    "safeguarding.access",
    "safeguarding.worklists",
    "safeguarding.notifications",
    "safeguarding.people",
    "safeguarding.concerns",
    "safeguarding.clocks",
    "safeguarding.mash",
    "safeguarding.pathway",
    "safeguarding.chronology",
    "safeguarding.exitpayments",
    "safeguarding.fund",
    "safeguarding.therapy",
    "safeguarding.warningnotices",
    "safeguarding.networks",
    "safeguarding.reportingduty",
    "safeguarding.helpline",
    "safeguarding.collaboration",
    "safeguarding.inspections",
    "safeguarding.linkage",
    "safeguarding.taskforce",
    "safeguarding.casework",
    "safeguarding.returns",
    "safeguarding.retention",
    "safeguarding.api",
]

MIDDLEWARE = [
    "safeguarding.web.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "safeguarding.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safeguarding.access.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "safeguarding.config.urls"
WSGI_APPLICATION = "safeguarding.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguarding.web.context_processors.navigation",
                "safeguarding.web.context_processors.flash",
            ],
            "builtins": ["safeguarding.govuk.templatetags.govuk"],
        },
    }
]

DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'safeguarding.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE_URL), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
        # failing half-way; WAL lets readers continue while one writes.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
LOGIN_URL = "access:sign-in"
LOGIN_REDIRECT_URL = "web:home"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in protection: lock an account for LOCKOUT_MINUTES after this many failures.
SIGN_IN_MAX_FAILURES = int(os.environ.get("SAFEGUARDING_SIGN_IN_MAX_FAILURES", "5"))
SIGN_IN_LOCKOUT_MINUTES = int(os.environ.get("SAFEGUARDING_SIGN_IN_LOCKOUT_MINUTES", "15"))
# Idle sessions end after SESSION_IDLE_MINUTES; every session ends after SESSION_MAX_HOURS.
SESSION_IDLE_MINUTES = int(os.environ.get("SAFEGUARDING_SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = int(os.environ.get("SAFEGUARDING_SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_NAME = "sghub_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "safeguarding.web.views.csrf_failure"
# How long break-glass access lasts once granted.
BREAK_GLASS_HOURS = int(os.environ.get("SAFEGUARDING_BREAK_GLASS_HOURS", "8"))
# Networks: an alert when this many children, known to this many agencies, connect to
# one adult, vehicle, phone or address (docs/operators/configuration.md).
NETWORK_ALERT_MIN_CHILDREN = int(os.environ.get("SAFEGUARDING_NETWORK_ALERT_MIN_CHILDREN", "3"))
NETWORK_ALERT_MIN_AGENCIES = int(os.environ.get("SAFEGUARDING_NETWORK_ALERT_MIN_AGENCIES", "2"))
NETWORK_CLUSTER_MIN_CHILDREN = int(os.environ.get("SAFEGUARDING_NETWORK_CLUSTER_MIN_CHILDREN", "2"))
NETWORK_LOOKBACK_DAYS = int(os.environ.get("SAFEGUARDING_NETWORK_LOOKBACK_DAYS", "1095"))
# Working days a hand-off to another agency may wait unopened before the receiving
# agency's managers are told (worklists, the worker's escalation of hand-offs).
HAND_OFF_ESCALATION_WORKING_DAYS = int(
    os.environ.get("SAFEGUARDING_HAND_OFF_ESCALATION_WORKING_DAYS", "2")
)
# The retention schedule: rules that replace the defaults in safeguarding/retention/
# schedule.py, as JSON such as {"school": {"age": 26}, "police-force:concern": {"years": 10}}
# (docs/operators/retention.md). Agencies are told this many days before records go.
RETENTION_SCHEDULE = json.loads(os.environ.get("SAFEGUARDING_RETENTION_SCHEDULE", "{}"))
RETENTION_NOTICE_DAYS = int(os.environ.get("SAFEGUARDING_RETENTION_NOTICE_DAYS", "30"))
# A closed helpline report's content is deleted this many days after closing.
HELPLINE_RETENTION_DAYS = int(os.environ.get("SAFEGUARDING_HELPLINE_RETENTION_DAYS", "365"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_SSL_REDIRECT = env_bool("SAFEGUARDING_SSL_REDIRECT", default=PRODUCTION)
# The address of the reverse proxy whose X-Forwarded-* headers `safeguarding serve` trusts.
SAFEGUARDING_TRUSTED_PROXY = os.environ.get(
    "SAFEGUARDING_TRUSTED_PROXY",
    "127.0.0.1" if env_bool("SAFEGUARDING_BEHIND_PROXY", default=False) else "",
)
# Load balancers check health over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env_bool("SAFEGUARDING_BEHIND_PROXY", default=False)
    else None
)
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FRONTEND_MODULES = PROJECT_ROOT / "frontend" / "node_modules"
STATICFILES_DIRS = [
    ("govuk", FRONTEND_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", FRONTEND_MODULES / "@ministryofjustice" / "frontend" / "moj"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Email (Django 6.1 mailers). Development writes messages to var/outbox/ instead of sending.
_EMAIL_BACKEND = os.environ.get(
    "SAFEGUARDING_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
_EMAIL_OPTIONS: dict[str, object] = (
    {
        "host": os.environ.get("SAFEGUARDING_EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("SAFEGUARDING_EMAIL_PORT", "25")),
        "username": os.environ.get("SAFEGUARDING_EMAIL_USER", ""),
        "password": os.environ.get("SAFEGUARDING_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("SAFEGUARDING_EMAIL_TLS", default=PRODUCTION),
        "timeout": 10,
    }
    if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
    else {"file_path": str(VAR_DIR / "outbox")}
    if _EMAIL_BACKEND.endswith("filebased.EmailBackend")
    else {}
)
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get("SAFEGUARDING_EMAIL_FROM", "no-reply@safeguarding-hub.invalid")

SERVICE_NAME = "Safeguarding Hub"

# Request logs (safeguarding.requests) carry method, path, status and duration only: paths
# hold opaque ids, never names, and searches are POSTed so that nothing identifying reaches
# a log or a browser history.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEGUARDING_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

# Only test settings turn this on: it lets a test database be emptied between tests.
AUDIT_ALLOW_PURGE = False
