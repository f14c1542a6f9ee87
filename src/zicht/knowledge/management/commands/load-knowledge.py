"""``zicht load-knowledge [--overschrijf] [--map DIR]``: load the knowledge pages from Markdown.

Validates every file first (a missing source or review date stops the load, naming file and
field). Pages the functioneel beheerder edited in the UI are kept unless ``--overschrijf``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zicht.knowledge.domain.factcheck import FactcheckError, load_statements
from zicht.knowledge.domain.pages import FrontMatterError
from zicht.knowledge.services import load_pages


class Command(BaseCommand):
    help = "Laad de kennispagina's uit knowledge/content/*.md (en controleer de feitencheck)."

    def add_arguments(self, parser):
        parser.add_argument("--overschrijf", action="store_true", help="Ook pagina's overschrijven die in de UI zijn gewijzigd")
        parser.add_argument("--map", type=Path, default=None, help="Andere map met .md-bestanden")

    def handle(self, *args, **options):
        try:
            counts = load_pages(options["map"], overwrite=options["overschrijf"])
            statements = load_statements()
        except (FrontMatterError, FactcheckError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
        self.stdout.write(f"Feitencheck: {len(statements)} uitspraken, alle met bron en jaar.")
        if counts["overgeslagen"]:
            self.stdout.write("Overgeslagen pagina's zijn in de UI gewijzigd; gebruik --overschrijf om ze te vervangen.")
