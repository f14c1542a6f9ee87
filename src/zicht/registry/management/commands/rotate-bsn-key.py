"""``zicht rotate-bsn-key``: rotate the BSN-hash key without the BSN.

Zicht never stores a BSN, only its keyed hash, so the hashes cannot be recomputed from the
source. Instead the key is a chain (``ZICHT_BSN_HASH_KEY=k1,k2``, oldest first): a BSN is
hashed with k1 and re-hashed with every later key (zicht.core.crypto.bsn_hash). Rotation:

1. stop imports and the web service (nothing may hash BSNs during the rotation);
2. put the new key in ``ZICHT_BSN_HASH_KEY_NEW`` and run ``zicht rotate-bsn-key``: in one
   transaction every stored hash is re-hashed with the new key, and the new chain's fingerprint
   is recorded (an import with another chain refuses to run);
3. set ``ZICHT_BSN_HASH_KEY=<old chain>,<new key>``, remove ``ZICHT_BSN_HASH_KEY_NEW``, restart;
4. run ``zicht link`` (the blocking index is keyed with the same secret and is rebuilt).

The command refuses to run twice for the same configuration (the recorded fingerprint no longer
matches the configured chain until step 3 is done). Older keys stay in the chain, but alone they
no longer reveal anything: every stored value also depends on the new key.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from zicht.access.rules import log_access
from zicht.core.crypto import bsn_chain_fingerprint, rehash_bsn
from zicht.registry.models import BsnKeyMismatch, BsnKeyState, Person, check_bsn_key

CHUNK = 5000


class Command(BaseCommand):
    help = "Her-hash alle opgeslagen BSN-hashes met een nieuwe sleutel (uit ZICHT_BSN_HASH_KEY_NEW), zonder BSN."

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key-env", default="ZICHT_BSN_HASH_KEY_NEW", help="omgevingsvariabele met de nieuwe sleutel (nooit op de opdrachtregel)"
        )

    def handle(self, *args, **options):
        new_key = os.environ.get(options["new_key_env"], "").strip()
        chain = settings.BSN_HASH_KEY
        if len(new_key) < 16 or "," in new_key:
            raise CommandError(f"Zet een nieuwe sleutel van minstens 16 tekens (zonder komma) in {options['new_key_env']}.")
        if new_key in chain.split(","):
            raise CommandError("De nieuwe sleutel zit al in ZICHT_BSN_HASH_KEY.")
        try:
            check_bsn_key(chain)
        except BsnKeyMismatch as exc:
            raise CommandError(f"{exc} Is de rotatie al uitgevoerd? Zet dan eerst ZICHT_BSN_HASH_KEY=<keten>,<nieuwe sleutel>.") from None
        new_chain = f"{chain},{new_key}"
        table, qn = Person._meta.db_table, connection.ops.quote_name
        done = 0
        with transaction.atomic():
            with connection.cursor() as cursor:
                last = 0
                while True:
                    cursor.execute(
                        f"SELECT id, bsn_hash FROM {qn(table)} WHERE id > %s AND bsn_hash <> '' ORDER BY id LIMIT %s", [last, CHUNK]
                    )
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    cursor.executemany(
                        f"UPDATE {qn(table)} SET bsn_hash = %s WHERE id = %s", [(rehash_bsn(value, new_key), pk) for pk, value in rows]
                    )
                    done += len(rows)
                    last = rows[-1][0]
            BsnKeyState.objects.all().delete()
            BsnKeyState.objects.create(fingerprint=bsn_chain_fingerprint(new_chain), depth=len(new_chain.split(",")))
            log_access(
                None,
                action="change",
                record_type="bsn_sleutelrotatie",
                record_id=str(len(new_chain.split(","))),
                reason=f"{done} BSN-hashes opnieuw gehasht",
            )
        self.stdout.write(
            f"{done} BSN-hashes opnieuw gehasht. Zet nu ZICHT_BSN_HASH_KEY=<huidige keten>,<nieuwe sleutel>, "
            "verwijder de nieuwe sleutel uit de omgeving, herstart en voer `zicht link` uit."
        )
