"""Development and demo (`make run`): secrets are generated once under var/ when not given."""

from .base import *  # noqa: F403

SECRET_KEY = env.get_secret_key("SECRET_KEY", generated_path=VAR_DIR / "secret_key")
FIELD_ENCRYPTION_KEYS = env.get_fernet_keys(
    "FIELD_ENCRYPTION_KEY", generated_path=VAR_DIR / "field_encryption_key"
)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

# Serve static files straight from the apps (no collectstatic step in `make run`).
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when the folder is missing
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
