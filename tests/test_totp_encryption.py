"""TOTP secrets are encrypted at rest (accounts.crypto, accounts.fields): the column never holds
the secret, codes still verify, and a wrong key fails loudly instead of yielding garbage."""

import pytest
from django.core import serializers
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from accounts import crypto, totp
from accounts.models import TOTPDevice

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
KEY_A = "a" * 16 + "-field-key-for-tests-A"
KEY_B = "b" * 16 + "-field-key-for-tests-B"


def raw_secret(pk):
    """The column as stored, read past the model field."""
    table = connection.ops.quote_name(TOTPDevice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_column_holds_the_secret_encrypted(f):
    device = TOTPDevice.objects.create(user=f.make_user("auditor"), secret=SECRET)
    stored = raw_secret(device.pk)
    assert stored.startswith(crypto.PREFIX)
    assert SECRET not in stored and SECRET.lower() not in stored.lower()
    # A new nonce each time: the same secret never gives the same column value twice.
    other = TOTPDevice.objects.create(user=f.make_user("auditor"), secret=SECRET)
    assert raw_secret(other.pk) != stored


def test_codes_verify_against_the_secret_read_back(f):
    device = TOTPDevice.objects.create(user=f.make_user("admin"), secret=totp.new_secret())
    step = totp.current_step()
    code = totp.code_at(device.secret, step)
    reloaded = TOTPDevice.objects.get(pk=device.pk)
    assert reloaded.secret == device.secret
    assert totp.matching_step(reloaded.secret, code) == step


def test_the_whole_login_gate_works_with_the_encrypted_secret(f, client):
    user = f.make_user("security_admin")
    client.force_login(user)
    page = client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=user)
    assert device.secret in page.content.decode()  # shown in clear to the user enrolling
    assert device.secret not in raw_secret(device.pk)
    code = totp.code_at(device.secret, totp.current_step())
    response = client.post(reverse("otp_setup"), {"code": code})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed_at is not None


def test_a_wrong_key_fails_clearly(f, settings):
    settings.FIELD_ENCRYPTION_KEY = KEY_A
    device = TOTPDevice.objects.create(user=f.make_user("admin"), secret=SECRET)
    settings.FIELD_ENCRYPTION_KEY = KEY_B
    with pytest.raises(crypto.DecryptionError, match="encrypted with another key"):
        TOTPDevice.objects.get(pk=device.pk)
    # The old key as a fallback opens it; new writes use the new key.
    settings.FIELD_ENCRYPTION_KEY_FALLBACKS = [KEY_A]
    device = TOTPDevice.objects.get(pk=device.pk)
    assert device.secret == SECRET
    device.save()
    settings.FIELD_ENCRYPTION_KEY_FALLBACKS = []
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET


def test_without_a_field_key_the_key_comes_from_secret_key(f, settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    device = TOTPDevice.objects.create(user=f.make_user("admin"), secret=SECRET)
    old_secret_key = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(crypto.DecryptionError):
        TOTPDevice.objects.get(pk=device.pk)
    settings.SECRET_KEY_FALLBACKS = [old_secret_key]
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET
    # A dedicated key is a different key, even with the same text.
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = old_secret_key, []
    settings.FIELD_ENCRYPTION_KEY = old_secret_key
    with pytest.raises(crypto.DecryptionError):
        TOTPDevice.objects.get(pk=device.pk)


def test_a_short_field_key_is_refused(f, settings):
    settings.FIELD_ENCRYPTION_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        TOTPDevice.objects.create(user=f.make_user("admin"), secret=SECRET)


def test_a_value_moved_to_another_field_does_not_decrypt():
    token = crypto.encrypt(SECRET, purpose="accounts.totpdevice.secret")
    assert crypto.decrypt(token, purpose="accounts.totpdevice.secret") == SECRET
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, purpose="accounts.other.secret")


def test_a_plaintext_value_left_in_the_column_is_reported(f):
    device = TOTPDevice.objects.create(user=f.make_user("admin"), secret=SECRET)
    table = connection.ops.quote_name(TOTPDevice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", [SECRET, device.pk])
    with pytest.raises(crypto.DecryptionError, match="not encrypted"):
        TOTPDevice.objects.get(pk=device.pk)


def test_the_secret_cannot_be_searched(f):
    with pytest.raises(FieldError):
        TOTPDevice.objects.filter(secret=SECRET).exists()
    assert not TOTPDevice.objects.filter(secret__isnull=True).exists()


def test_dumpdata_writes_the_secret_encrypted_and_loaddata_reads_it_back(f):
    device = TOTPDevice.objects.create(user=f.make_user("admin"), secret=SECRET)
    dumped = serializers.serialize("json", TOTPDevice.objects.filter(pk=device.pk))
    assert SECRET not in dumped and crypto.PREFIX in dumped
    TOTPDevice.objects.filter(pk=device.pk).delete()
    for restored in serializers.deserialize("json", dumped):
        restored.save()
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_stored_secrets_and_back(f):
    user = f.make_user("auditor")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    table = connection.ops.quote_name(TOTPDevice._meta.db_table)
    try:
        migrate([("accounts", "0007_orgunit_head")])
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, secret, confirmed_at, last_used_step, created_at)"
                " VALUES (%s, %s, %s, -1, %s)",
                [user.pk, SECRET, timezone.now(), timezone.now()],
            )
        migrate([("accounts", "0008_totp_secret_encrypted")])
        device = TOTPDevice.objects.get(user=user)
        assert device.secret == SECRET
        assert raw_secret(device.pk).startswith(crypto.PREFIX)
        migrate([("accounts", "0007_orgunit_head")])
        assert raw_secret(device.pk) == SECRET
    finally:
        migrate(latest)
