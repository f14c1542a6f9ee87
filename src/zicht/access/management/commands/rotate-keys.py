"""``zicht rotate-keys [--batch N] [--dry-run]``: re-encrypt every encrypted field with the first key.

It also binds every value to its table, column and row (tokens in the unbound ``z1`` format, or
written by a QuerySet.update without a row, are re-encrypted in the bound ``z2`` format; see
zicht.core.crypto). A value that does not decrypt in its own place stops the command.

Rotation: generate a key (``zicht generate-key``), put it FIRST in ZICHT_FIELD_KEYS keeping
the old keys after it, restart, run this command, then remove the old keys. The command finds
every EncryptedTextField through the model registry, works in chunks of primary keys, reads
and writes raw column values (no model save, no signals), only touches values not yet under
the current key, and can be interrupted and run again (idempotent).
"""

from __future__ import annotations

import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection

from zicht.access.rules import log_access
from zicht.core.crypto import cipher
from zicht.core.fields import EncryptedTextField
from zicht.core.reencrypt import reencrypt_table


def encrypted_fields():
    """[(model, [field, ...])] for every concrete model with encrypted fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def rotate_model(model, fields, batch: int = 2000, dry_run: bool = False, progress=None) -> dict:
    """Re-encrypt one model's encrypted columns; returns counts (values seen, values re-encrypted)."""
    seen, rotated = reencrypt_table(
        connection, model._meta.db_table, model._meta.pk.column, [f.column for f in fields], batch, dry_run, progress
    )
    return {"model": model._meta.label, "fields": [f.name for f in fields], "values": seen, "reencrypted": rotated}


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of ZICHT_FIELD_KEYS (idempotent, chunked)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)
        parser.add_argument("--dry-run", action="store_true", help="Count what would be re-encrypted, change nothing")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        from tqdm import tqdm

        results = []
        for model, fields in encrypted_fields():
            total = model._base_manager.count()
            with tqdm(
                total=total, desc=model._meta.label, unit="rij", disable=options["no_progress"] or options["json"], file=self.stderr
            ) as bar:
                results.append(rotate_model(model, fields, options["batch"], options["dry_run"], bar))
        reencrypted = sum(r["reencrypted"] for r in results)
        if not options["dry_run"] and reencrypted:
            log_access(
                None,
                action="change",
                record_type="sleutelrotatie",
                record_id=cipher().current_key_id,
                reason=f"{reencrypted} waarden opnieuw versleuteld",
            )
        summary = {"key_id": cipher().current_key_id, "dry_run": options["dry_run"], "models": results, "reencrypted": reencrypted}
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=1))
        else:
            for r in results:
                self.stdout.write(
                    f"{r['model']}: {r['values']} waarden, {r['reencrypted']} {'te versleutelen' if options['dry_run'] else 'opnieuw versleuteld'}"
                )
            self.stdout.write(f"Huidige sleutel: {summary['key_id']}")
