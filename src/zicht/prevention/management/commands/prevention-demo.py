"""`zicht prevention-demo`: synthetic Tilburg partners for the organisation map (idempotent).

With ``--plan-start`` it also writes the demo's prevention plan for a wijk (default Korvel) whose
intervention starts on that date; ``zicht demo`` passes the start of the effect it planted.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zicht.prevention.demo import EFFECT_WIJK, load_demo, load_effect_plan


class Command(BaseCommand):
    help = "Laadt synthetische preventiepartners voor Tilburg (Korvel, Wandelbos Noord); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--plan-start", help="startdatum (jjjj-mm-dd) van de interventie in het demoplan voor de wijk")
        parser.add_argument("--plan-wijk", default=EFFECT_WIJK, help="wijkcode van het demoplan (standaard Korvel)")

    def handle(self, *args, **opts):
        result = load_demo()
        self.stdout.write(f"Preventiepartners: {result['organisaties']} ({result['nieuw']} nieuw) in {result['gemeente']}.")
        if opts["plan_start"]:
            try:
                start = date.fromisoformat(opts["plan_start"])
            except ValueError as exc:
                raise CommandError("--plan-start: jjjj-mm-dd") from exc
            plan = load_effect_plan(start, opts["plan_wijk"].upper())
            self.stdout.write(f"Preventieplan '{plan.titel}': interventie vanaf {start.isoformat()} in {plan.wijk.naam}.")
