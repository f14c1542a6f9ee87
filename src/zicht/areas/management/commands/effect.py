"""``zicht effect --wijk WK085517 --start 2025-01-01 [--vergelijk WK..,WK..] [--aard partnergeweld] [--json]``.

Difference-in-differences of the wijk's monthly registrations per inwoner against comparison wijken of
the same gemeente (default: the five most similar by CBS profile and pre-period trend,
``effect_figures.comparison_candidates``; the JSON says whether the pre-trends were parallel), with the
months-needed power statement for a 25% change. Prints no counts: only the estimate, its interval and
the reason when refused (docs/effects.md).
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zicht.areas.effect_figures import comparison_candidates, default_comparison, estimate_for
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
        comparison = [c.strip().upper() for c in options["vergelijk"].split(",") if c.strip()] or default_comparison(
            comparison_candidates(
                wijk.gemeente_id,
                code,
                list(Wijk.objects.filter(gemeente_id=wijk.gemeente_id).values_list("code", flat=True)),
                start,
                options["aard"] or None,
            )
        )
        out = estimate_for(wijk.gemeente_id, code, comparison, start, options["aard"] or None)
        out.update({"wijk": code, "start": start.isoformat(), "vergelijk": comparison})
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(out["tekst"])
