"""Settings shared by every environment. Values from the environment come only through oms_site.env."""

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from integrations.webhooks.address import DEFAULT_BLOCKED_NETWORKS as DEFAULT_WEBHOOK_BLOCKED_NETWORKS
from oms_site import env

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(env.get_str("JANGTEO_VAR_DIR") or BASE_DIR / "var")

DEBUG = env.get_bool("DEBUG", False)
# SECRET_KEY, FIELD_ENCRYPTION_KEYS and ALLOWED_HOSTS are set by dev.py (generated under var/)
# and production.py (required from the environment).
CSRF_TRUSTED_ORIGINS = env.get_origins("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "modules.core",
    "modules.accounts",
    "modules.channels",
    "modules.orders",
    "modules.shipping",
    "modules.cs",
    "modules.settlement",
    "modules.spreadsheets",
    "modules.catalog",
    "modules.inventory",
    "modules.api",
    "modules.webhooks",
    "snippets",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_q",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First after security: the Open API log times and records every /api/v1/ answer, refusals too.
    "modules.api.middleware.ApiLogMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "modules.accounts.middleware.AllowedIPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "modules.accounts.middleware.AdminSecurityMiddleware",
    "modules.accounts.middleware.AccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes last: it turns a lockout flagged during authenticate() into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oms_site.urls"
WSGI_APPLICATION = "oms_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": env.get_database("DATABASE_URL", VAR_DIR / "jangteo.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.get_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "jangteo",
        }
    }
else:
    # Shared by the web and worker processes on one host (LocMem would be per process).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "KEY_PREFIX": "jangteo",
        }
    }

# django-q2: with no broker named it silently uses Redis on localhost, so name it explicitly.
# A task may run `timeout` seconds; the broker hands it out again only after `retry` seconds,
# which must be longer or a slow task runs twice.
Q_CLUSTER = {
    "name": "jangteo",
    "workers": env.get_int("WORKER_PROCESSES", 2, minimum=1),
    "timeout": 600,
    "retry": 720,
    "max_attempts": 3,
    "ack_failures": True,
    "recycle": 200,
    "save_limit": 1000,
    "queue_limit": 50,
    "catch_up": False,
    "label": _("Background tasks"),
    "time_zone": "Asia/Seoul",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.5

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Client address: REMOTE_ADDR unless a proxy header is trusted explicitly.
TRUSTED_PROXY_HEADER = env.get_header_name("TRUSTED_PROXY_HEADER")
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 1, minimum=1)

# Lock an account (by username, whatever the address) after 5 consecutive wrong passwords,
# until an administrator unlocks it.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "modules.accounts.net.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "modules.accounts.views.lockout_response"
AXES_VERBOSE = False
# axes.W006 suggests adding the address to the lockout key. We lock the account itself, as the
# product asks; locking an address too would shut out a whole office behind one NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = env.get_str("OTP_ISSUER", "Jangteo")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# An unconfirmed authenticator enrolment must be finished within this time.
JANGTEO_OTP_ENROLMENT_TTL = timedelta(minutes=10)
# Default of the company policy "2FA required for all staff": production.py turns it on.
JANGTEO_REQUIRE_2FA_DEFAULT = False

# Korean for everyone (the browser's language is not consulted); English per user in account settings.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
WAGTAIL_USER_TIME_ZONES = ["Asia/Seoul", "UTC"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

WAGTAIL_SITE_NAME = "장터 Jangteo"
WAGTAILADMIN_BASE_URL = env.get_str("ADMIN_BASE_URL", "http://127.0.0.1:8000")
# Where marketplaces fetch product images from (they download by URL); empty: ADMIN_BASE_URL.
PUBLIC_MEDIA_BASE_URL = env.get_str("PUBLIC_MEDIA_BASE_URL", "")
WAGTAILADMIN_LOGIN_URL = "wagtailadmin_login"
WAGTAILADMIN_USER_LOGIN_FORM = "modules.accounts.forms.OTPLoginForm"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Self-hosted and often offline: no avatar requests to gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_COMMENTS_ENABLED = False
LOGIN_URL = "wagtailadmin_login"
LOGIN_REDIRECT_URL = "wagtailadmin_home"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "modules.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# Open API (/api/v1/): per-client default rate, body cap, log retention, idempotency window.
API_DEFAULT_CLIENT_RATE = env.get_str("API_DEFAULT_CLIENT_RATE", "600/min")
API_MAX_BODY_BYTES = env.get_int("API_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
API_LOG_RETENTION_DAYS = env.get_int("API_LOG_RETENTION_DAYS", 90, minimum=1)
API_IDEMPOTENCY_HOURS = 24

# Webhook endpoints the server refuses to call (this machine, link-local/cloud metadata, multicast).
# The office LAN stays allowed. Comma-separated CIDRs; set it empty to allow every address.
WEBHOOK_BLOCKED_NETWORKS = env.get_networks("WEBHOOK_BLOCKED_NETWORKS", list(DEFAULT_WEBHOOK_BLOCKED_NETWORKS))

SPECTACULAR_SETTINGS = {
    "TITLE": "Jangteo Open API",
    "DESCRIPTION": (
        "REST API for POS, mobile and ERP clients. Authenticate with `Authorization: Bearer <token>` "
        "(tokens are created in the admin under Open API). Every error has the body "
        '`{"error": {"code": "...", "message": "...", "fields": {...}}}`. POST and PATCH accept an '
        "`Idempotency-Key` header: the same key and body within 24 hours replays the first answer."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Served from our own static files (drf-spectacular-sidecar), so the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["modules.api.schema.only_v1"],
    "ENUM_NAME_OVERRIDES": {
        "ProductStatusEnum": "modules.catalog.models.Product.Status",
        "SkuStatusEnum": "modules.catalog.models.SkuStatus",
    },
}

EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "jangteo@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "jangteo": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django-q": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
