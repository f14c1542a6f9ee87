"""``zicht load-addresses FILE``: load the address register (PC6 + huisnummer → buurt), atomically."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zicht.registry.register import load_address_register


class Command(BaseCommand):
    help = (
        "Laad het adresregister (postcode,huisnummer,toevoeging,straat,woonplaats,buurtcode,jaar). "
        "Alles-of-niets en idempotent: hetzelfde bestand opnieuw laden verandert niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        result = load_address_register(options["file"])
        for reject in result.rejects[:20]:
            self.stderr.write(f"  rij {reject['row']}, {reject['field']}: {reject['reason']}")
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(result.message)
