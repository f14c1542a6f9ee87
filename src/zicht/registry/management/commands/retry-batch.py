"""``zicht retry-batch N``: run linking and recolouring again for import batch N.

For a batch flagged 'nabewerking mislukt' (its import is committed, but linking or recolouring
after it failed). Each step is safe to repeat: linking a batch runs in one transaction, and
recolouring recomputes colours from the records.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from zicht.registry.models import ImportBatch
from zicht.registry.postprocess import run_postprocessing


class Command(BaseCommand):
    help = "Voer koppelen en kleuren opnieuw uit voor importbatch N (na 'nabewerking mislukt')."

    def add_arguments(self, parser):
        parser.add_argument("batch", type=int, help="het nummer van de importbatch")

    def handle(self, *args, **options):
        batch = ImportBatch.objects.filter(pk=options["batch"]).first()
        if batch is None:
            raise CommandError(f"Importbatch {options['batch']} bestaat niet.")
        if batch.status not in ("loaded", "partial"):
            raise CommandError(f"Importbatch {batch.pk} heeft status '{batch.get_status_display()}': er is niets na te bewerken.")
        failures = run_postprocessing(batch)
        if failures:
            raise CommandError(f"Nabewerking van importbatch {batch.pk} opnieuw mislukt ({batch.postprocess_error}).")
        self.stdout.write(f"Importbatch {batch.pk}: koppelen en kleuren voltooid.")
