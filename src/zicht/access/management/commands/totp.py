"""``zicht totp USERNAME``: print the current two-factor code of a demo account (demo mode only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from zicht.access.totp import code_for_user, ensure_device


class Command(BaseCommand):
    help = "Demo only: print the TOTP code an account's authenticator app would show now."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--create", action="store_true", help="Give the demo account a TOTP device if it has none")

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "`zicht totp` werkt alleen in demo-modus (ZICHT_DEMO=1 met ZICHT_DEBUG=1): echte codes staan alleen op de telefoon van de gebruiker."
            )
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Onbekende gebruiker {options['username']!r}")
        if options["create"]:
            ensure_device(user)
        try:
            code, wait = code_for_user(user)
        except LookupError as exc:
            raise CommandError(f"{exc}; gebruik --create voor een demo-account") from exc
        if wait:
            self.stderr.write(f"Deze code is over {wait:.0f} s geldig (de vorige is al gebruikt).")
        self.stdout.write(code)
