"""Encryption at rest for secrets and contact data (FIELD_ENCRYPTION_KEY).

Values are Fernet tokens (AES-128-CBC + HMAC-SHA256). FIELD_ENCRYPTION_KEY may hold several keys,
comma-separated: the first encrypts, all decrypt — so a rotation is: put the new key first, run
``manage.py rotate_encryption_key`` (re-encrypts every encrypted column with the new key), then
drop the old key.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

TOKEN_PREFIX = "fernet:"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_text(value: str) -> str:
    return TOKEN_PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


class DecryptionError(Exception):
    pass


def decrypt_text(token: str) -> str:
    if not token.startswith(TOKEN_PREFIX):
        raise DecryptionError("value is not encrypted")
    try:
        return fernet().decrypt(token[len(TOKEN_PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise DecryptionError("no FIELD_ENCRYPTION_KEY can decrypt this value (key removed too early?)") from None


def rotate_token(token: str) -> str:
    """Re-encrypts with the first key; a no-op for values already under it (new IV though)."""
    return TOKEN_PREFIX + fernet().rotate(token[len(TOKEN_PREFIX) :].encode("ascii")).decode("ascii")


def last4(value: str) -> str:
    """How a secret is shown again: bullets and its last four characters."""
    if not value:
        return ""
    return "••••" + value[-4:] if len(value) > 4 else "••••"


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; reads back as plain ``str``. Not searchable or sortable."""

    description = "Text encrypted with FIELD_ENCRYPTION_KEY"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)


class EncryptedJSONField(models.TextField):
    """A dict stored as encrypted JSON (e.g. a store's API credentials)."""

    description = "JSON encrypted with FIELD_ENCRYPTION_KEY"

    def from_db_value(self, value, expression, connection) -> Any:
        if value is None or value == "":
            return {}
        return json.loads(decrypt_text(value))

    def to_python(self, value):
        if isinstance(value, dict) or value is None:
            return value or {}
        return json.loads(value)

    def get_prep_value(self, value):
        if value is None:
            value = {}
        return encrypt_text(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField | EncryptedJSONField)]
