"""``zicht link [--full]``: link all registry persons (batch); ``--full`` re-estimates the model first."""

from django.core.management.base import BaseCommand

from zicht.access.rules import log_command
from zicht.linkage import services


class Command(BaseCommand):
    help = "Koppel alle personen in het register (batch). --full schat het model opnieuw op het register."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="re-estimate the model (EM) on the registry before linking")

    def handle(self, *args, **options):
        run = services.run_batch(retrain=options["full"])
        log_command("link", "--full" if options["full"] else "", records=run.persons, batch=f"koppelrun {run.pk}")
        self.stdout.write(
            f"Koppelrun {run.pk}: {run.persons} registraties, {run.pairs_compared} paren vergeleken, "
            f"{run.linked_persons} personen, {run.review_pairs} paren te beoordelen, "
            f"{run.households} huishoudens, {run.seconds} s"
        )
