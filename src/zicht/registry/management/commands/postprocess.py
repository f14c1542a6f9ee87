"""``zicht postprocess``: link and recolour the import batches queued for it (``registry.postprocess``).

An upload, or ``zicht import --defer``, commits the file and leaves linking and colouring to this
command, so the web request ends with the load. Run it from cron or a systemd timer (every minute
is enough: it does nothing when nothing is queued); progress goes to stderr. A batch whose step
fails is flagged 'nabewerking mislukt' and waits for ``zicht retry-batch N``.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from zicht.registry.postprocess import run_pending


class Command(BaseCommand):
    help = "Koppel en kleur de importbatches die daarop wachten (na een upload of zicht import --defer)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="hoogstens zoveel batches")
        parser.add_argument("--no-progress", action="store_true", help="geen voortgangsbalk op stderr")

    def handle(self, *args, **options):
        progress = not options["no_progress"] and sys.stderr.isatty()
        done = run_pending(progress=progress, limit=options["limit"])
        failed = [pk for pk, failures in done if failures]
        for pk, failures in done:
            self.stdout.write(f"Importbatch {pk}: " + ("nabewerking mislukt" if failures else "koppelen en kleuren voltooid") + ".")
        if not done:
            self.stdout.write("Geen importbatches die op koppelen of kleuren wachten.")
        if failed:
            raise CommandError(f"Nabewerking mislukt voor importbatch(es) {', '.join(map(str, failed))}: zicht retry-batch N.")
