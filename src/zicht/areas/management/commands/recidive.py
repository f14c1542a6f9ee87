"""``zicht recidive --gemeente GM0855 [--level wijk] [--json]``: recidive figures, disclosure-controlled.

Shares of addresses, households and linked persons with a new registration within 6, 12 and 24
months after a first registration and after the end of a help trajectory, split by aard, children
and year of first registration, and Kaplan–Meier points per year. Definitions: docs/effects.md.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from zicht.areas.policy import default_policy
from zicht.areas.recidive import figures_json, load_episodes, recidive_figures
from zicht.geo.models import Gemeente, Wijk


class Command(BaseCommand):
    help = "Recidive per gemeente of wijk: aandeel met een nieuwe registratie binnen 6, 12 en 24 maanden (beveiligd)."

    def add_arguments(self, parser):
        parser.add_argument("--gemeente", required=True, help="GM-code, bijvoorbeeld GM0855")
        parser.add_argument("--level", choices=("gemeente", "wijk"), default="gemeente")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        code = options["gemeente"].upper()
        if not Gemeente.objects.filter(code=code).exists():
            raise CommandError(f"Onbekende gemeente {code}")
        policy = default_policy()
        episodes = load_episodes(code)
        out = figures_json(recidive_figures(episodes, policy))
        if options["level"] == "wijk":
            out["wijken"] = [
                figures_json(recidive_figures(episodes, policy, wijk=w))
                for w in Wijk.objects.filter(gemeente_id=code).order_by("code").values_list("code", flat=True)
            ]
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Recidive {code} (gegevens tot {out['end_of_data']})")
        for part in [out] + out.get("wijken", []):
            if part.get("wijk"):
                self.stdout.write(f"\nWijk {part['wijk']}")
            for row in part["overview"]:
                cells = "  ".join(f"{m} mnd: {w['share']['display']:>5} (n {w['n']['display']})" for m, w in row["windows"].items())
                self.stdout.write(f"  {row['label']:<60} {cells}")
