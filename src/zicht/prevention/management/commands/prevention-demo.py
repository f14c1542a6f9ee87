"""`zicht prevention-demo`: synthetic Tilburg partners for the organisation map (idempotent)."""

from django.core.management.base import BaseCommand

from zicht.prevention.demo import load_demo


class Command(BaseCommand):
    help = "Laadt synthetische preventiepartners voor Tilburg (Korvel, Wandelbos Noord); idempotent."

    def handle(self, *args, **opts):
        result = load_demo()
        self.stdout.write(f"Preventiepartners: {result['organisaties']} ({result['nieuw']} nieuw) in {result['gemeente']}.")
