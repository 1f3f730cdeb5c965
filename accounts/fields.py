"""Model fields of the accounts app."""

from __future__ import annotations

from django.db import models

from accounts import crypto


class EncryptedCharField(models.CharField):
    """Text stored encrypted (accounts.crypto); Python code reads and writes the plain value.

    Each write draws a new nonce, so the stored value cannot be searched: only `isnull` lookups
    are allowed. The column holds the encrypted form, hence the larger max_length; so do
    serialized copies (dumpdata), which loaddata reads back."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    @property
    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return crypto.decrypt(value, purpose=self.purpose)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return crypto.encrypt(value, purpose=self.purpose)

    def to_python(self, value):
        # The serialized form (value_to_string) is the encrypted one: read it back in clear.
        value = super().to_python(value)
        if isinstance(value, str) and crypto.is_encrypted(value):
            return crypto.decrypt(value, purpose=self.purpose)
        return value

    def value_to_string(self, obj):
        """dumpdata writes the encrypted value, never the secret in clear."""
        value = self.value_from_object(obj)
        return None if value is None else crypto.encrypt(value, purpose=self.purpose)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None  # Django then raises FieldError: unsupported lookup
        return super().get_lookup(lookup_name)
