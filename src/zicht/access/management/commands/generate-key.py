"""``zicht generate-key``: print a new field-encryption key (urlsafe base64, 32 bytes)."""

from django.core.management.base import BaseCommand

from zicht.core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new random key for ZICHT_FIELD_KEYS. Put it first in the list, then run `zicht rotate-keys`."

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
