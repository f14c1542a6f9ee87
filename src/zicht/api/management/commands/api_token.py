"""``zicht api_token USERNAME``: issue, show or revoke the API token of a partner system's account.

Run by the functioneel beheerder on the server (the same token can be managed in the admin
under "Tokens"). A token stands in for the password *and* the second factor, so it is issued
only to accounts with a Zicht role, kept only in the partner system, and rotated with ``--rotate`` when a partner
system changes hands; ``--revoke`` ends it. Every issue and revocation is written to the access log.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from zicht.access.roles import PROFESSIONAL
from zicht.access.rules import log_access, user_organisation, user_role


class Command(BaseCommand):
    help = "Geef een API-token uit voor een account (of trek het in): zicht api_token GEBRUIKERSNAAM [--rotate|--revoke]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--rotate", action="store_true", help="Vervang een bestaand token door een nieuw")
        group.add_argument("--revoke", action="store_true", help="Trek het token in")

    def handle(self, *args, username, rotate=False, revoke=False, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError("Geen actief account met die gebruikersnaam.")
        if revoke:
            deleted, _ = Token.objects.filter(user=user).delete()
            log_access(None, action="change", record_type="api_token", record_id=user.pk, reason="API-token ingetrokken")
            self.stdout.write("Token ingetrokken." if deleted else "Dit account had geen token.")
            return
        role = user_role(user)
        if role is None:
            raise CommandError("Dit account heeft geen Zicht-rol; een token zou nergens toegang toe geven.")
        if role == PROFESSIONAL and user_organisation(user) is None:
            raise CommandError("Een professional zonder organisatie kan geen signalen aanleveren; koppel eerst een organisatie.")
        existing = Token.objects.filter(user=user).first()
        if existing and not rotate:
            raise CommandError("Dit account heeft al een token. Gebruik --rotate voor een nieuw token of --revoke om het in te trekken.")
        if existing:
            existing.delete()
        token = Token.objects.create(user=user)
        log_access(
            None,
            action="change",
            record_type="api_token",
            record_id=user.pk,
            reason="API-token vernieuwd" if existing else "API-token uitgegeven",
        )
        self.stdout.write(token.key)
        self.stderr.write(f"Token voor rol {role}. Geef het via een veilig kanaal door en bewaar het alleen in het partnersysteem.")
