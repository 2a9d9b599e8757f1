"""Production: every secret comes from the environment; cookies and transport are locked down."""

from .base import *  # noqa: F403

SECRET_KEY = env.get_secret_key("SECRET_KEY", generated_path=None)
FIELD_ENCRYPTION_KEYS = env.get_fernet_keys("FIELD_ENCRYPTION_KEY", generated_path=None)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise env.EnvError("ALLOWED_HOSTS", "운영 환경에서는 호스트 이름이 필요합니다 (e.g. oms.example.co.kr)")

DEBUG = env.get_bool("DEBUG", False)
SECURE_SSL_REDIRECT = env.get_bool("SECURE_SSL_REDIRECT", True)
if TRUSTED_PROXY_HEADER:
    # TLS ends at the proxy, which says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.get_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.get_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"

JANGTEO_REQUIRE_2FA_DEFAULT = True

SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    # Wagtail's live preview (label and message templates) renders in a same-origin iframe.
    "security.W019",
    # HSTS preload commits the whole domain for months; it stays the operator's explicit choice.
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
