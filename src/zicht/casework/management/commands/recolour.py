"""``zicht recolour``: evaluate the colour code for every address and household, refresh worklists and signal matches.

Run after each import and nightly (colours change as registrations age out of their window).
A new rule-set version recolours everything; previous results stay as history.
"""

from __future__ import annotations

import json
import time
from datetime import date

from django.core.management.base import BaseCommand

from zicht.casework.colour.services import recolour_all
from zicht.casework.rulesets import current_ruleset, ruleset_by_version
from zicht.casework.verwijsindex.registration import refresh_matches


class Command(BaseCommand):
    help = "Bepaal de kleur van alle adressen en huishoudens opnieuw (historie blijft bewaard)."

    def add_arguments(self, parser):
        parser.add_argument("--ruleset", dest="ruleset_version", help="Regelsetversie (standaard: de geldende)")
        parser.add_argument("--today", type=date.fromisoformat, help="Peildatum JJJJ-MM-DD (standaard: vandaag)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        ruleset = ruleset_by_version(options["ruleset_version"]) if options["ruleset_version"] else current_ruleset(options["today"])
        started = time.perf_counter()
        stats = recolour_all(ruleset, options["today"])
        stats["signal_matches"] = refresh_matches(None, today=options["today"])
        stats["ruleset"] = ruleset.version
        stats["seconds"] = round(time.perf_counter() - started, 2)
        if options["json"]:
            self.stdout.write(json.dumps(stats, indent=2))
            return
        for subject in ("address", "household"):
            s = stats[subject]
            self.stdout.write(
                f"{subject}: {s['evaluated']} bepaald, {s['changed']} gewijzigd, {s['unchanged']} ongewijzigd, {s['work_items']} nieuwe werklijst-items"
            )
        self.stdout.write(f"signaalmatches: {stats['signal_matches']}")
        self.stdout.write(f"regelset {ruleset.version}, {stats['seconds']} s")
