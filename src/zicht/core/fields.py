"""Model fields that keep direct identifiers encrypted at rest."""

from __future__ import annotations

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_save

from .crypto import DecryptionError, Plaintext, cipher, place


class _Sealed(str):
    """A token this field made for a known row: stored as it is (no second encryption)."""


class EncryptedAttribute(DeferredAttribute):
    """Checks, as a model instance is loaded, that each token was bound to this very row."""

    def __set__(self, instance, value):
        if isinstance(value, Plaintext) and value.row:
            pk = instance.__dict__.get(instance._meta.pk.attname)
            if pk is not None and str(pk) != value.row:
                raise DecryptionError("token belongs to another row")
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Stores ciphertext; Python code only ever sees plaintext.

    Every token is bound to its table, column and row (AES-GCM associated data, see
    zicht.core.crypto): reading a row whose token was moved there from another column or row
    raises DecryptionError. A new row's values are bound to its primary key right after the
    insert (the key does not exist before). Encrypted values cannot be searched or sorted in
    SQL; linkage and lookups go through keyed hashes and the linkage index instead.
    """

    description = "Text encrypted at rest (AES-GCM, rotating keys, bound to table, column and row)"
    descriptor_class = EncryptedAttribute

    @property
    def place(self) -> str:
        return place(self.model._meta.db_table, self.column)

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            post_save.connect(_bind_new_row, sender=cls, weak=False, dispatch_uid=f"zicht-bind-{cls._meta.label_lower}")

    def from_db_value(self, value, expression, connection):
        return cipher().decrypt(value, self.place)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is None or value == "":
            return value
        return _Sealed(cipher().encrypt(str(value), self.place, model_instance.pk if model_instance.pk is not None else ""))

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if isinstance(value, _Sealed) or value is None or value == "":
            return value
        # Without an instance (QuerySet.update): bound to the column; the row is bound by
        # `zicht rotate-keys` (which re-encrypts values not yet bound to their row).
        return cipher().encrypt(value, self.place, "")


def _bind_new_row(sender, instance, created, raw=False, **kwargs):
    """After an insert the primary key exists: bind the new row's tokens to it."""
    if not created or raw:
        return
    fields = [f for f in sender._meta.concrete_fields if isinstance(f, EncryptedTextField)]
    values = {
        f.attname: _Sealed(cipher().encrypt(str(v), f.place, instance.pk))
        for f in fields
        if (v := instance.__dict__.get(f.attname)) not in (None, "")
    }
    if values:
        sender._base_manager.filter(pk=instance.pk).update(**values)
