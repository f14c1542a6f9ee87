"""Model fields that keep direct identifiers encrypted at rest."""

from __future__ import annotations

from django.db import models

from .crypto import cipher


class EncryptedTextField(models.TextField):
    """Stores ciphertext; Python code only ever sees plaintext.

    Encrypted values cannot be searched or sorted in SQL; linkage and lookups go
    through keyed hashes and the linkage index instead.
    """

    description = "Text encrypted at rest (AES-GCM, rotating keys)"

    def from_db_value(self, value, expression, connection):
        return cipher().decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return cipher().encrypt(value)
