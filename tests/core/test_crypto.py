import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from modules.channels.models import Store
from modules.core.crypto import DecryptionError, _fernet, last4


def raw_columns(store_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials, contact_name FROM channels_store WHERE id = %s", [store_id])
        return cursor.fetchone()


@pytest.fixture(autouse=True)
def _fresh_fernet_cache():
    _fernet.cache_clear()
    yield
    _fernet.cache_clear()


@pytest.mark.django_db
def test_credentials_and_contacts_are_encrypted_at_rest():
    store = Store.objects.create(
        marketplace="coupang",
        name="s",
        seller_id="A1",
        credentials={"secret_key": "TOPSECRET-1234"},
        contact_name="홍길동",
    )
    credentials, contact = raw_columns(store.pk)
    assert credentials.startswith("fernet:") and "TOPSECRET" not in credentials
    assert contact.startswith("fernet:") and "홍길동" not in contact
    again = Store.objects.get(pk=store.pk)
    assert again.credentials == {"secret_key": "TOPSECRET-1234"} and again.contact_name == "홍길동"


@pytest.mark.django_db
def test_key_rotation_re_encrypts_everything(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    store = Store.objects.create(marketplace="naver", name="s", seller_id="x", credentials={"client_id": "abc"})
    before = raw_columns(store.pk)[0]

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_key", verbosity=0)
    assert raw_columns(store.pk)[0] != before

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone now
    assert Store.objects.get(pk=store.pk).credentials == {"client_id": "abc"}


@pytest.mark.django_db
def test_removing_a_key_too_early_fails_loudly(settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    store = Store.objects.create(marketplace="naver", name="s", seller_id="x", credentials={"client_id": "abc"})
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError):
        Store.objects.get(pk=store.pk)


def test_last4():
    assert last4("abcdef123456") == "••••3456"
    assert last4("abc") == "••••"
    assert last4("") == ""
