"""``zicht effect --wijk WK085517 --start 2025-01-01 [--vergelijk WK..,WK..] [--aard partnergeweld] [--json]``.

Difference-in-differences of the wijk's monthly registrations per inwoner against comparison wijken of
the same gemeente (default: the five most similar by CBS profile, ``areas/similar.py``), with the
months-needed power statement for a 25% change. Prints no counts: only the estimate, its interval and
the reason when refused (docs/effects.md).
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zicht.areas.effect_figures import estimate_for
from zicht.areas.similar import similar_wijken
from zicht.geo.models import Wijk


class Command(BaseCommand):
    help = "Schat het effect van een interventie in een wijk (verschil-in-verschillen tegen vergelijkingswijken)."

    def add_arguments(self, parser):
        parser.add_argument("--wijk", required=True)
        parser.add_argument("--start", required=True, help="startdatum van de interventie, JJJJ-MM-DD")
        parser.add_argument("--vergelijk", default="", help="vergelijkingswijken, komma-gescheiden (standaard: de 5 meest gelijke)")
        parser.add_argument("--aard", default="", help="alleen deze aard van geweld")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        code = options["wijk"].upper()
        wijk = Wijk.objects.filter(code=code).first()
        if wijk is None:
            raise CommandError(f"Onbekende wijk {code}")
        try:
            start = date.fromisoformat(options["start"])
        except ValueError as exc:
            raise CommandError("--start moet JJJJ-MM-DD zijn") from exc
        comparison = [c.strip().upper() for c in options["vergelijk"].split(",") if c.strip()] or [
            r["code"] for r in similar_wijken(code, 5, "gemeente")["rows"] if r["code"] != code
        ]
        out = estimate_for(wijk.gemeente_id, code, comparison, start, options["aard"] or None)
        out.update({"wijk": code, "start": start.isoformat(), "vergelijk": comparison})
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(out["tekst"])
