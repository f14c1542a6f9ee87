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

from zicht.areas.data import cube_for, population
from zicht.areas.effects import Series, did_estimate, monthly_series, months_needed, wording
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
            r["code"] for r in similar_wijken(code, 5, "gemeente")["rows"] if r["code"] != code]
        out = estimate_for(wijk.gemeente_id, code, comparison, start, options["aard"] or None)
        out.update({"wijk": code, "start": start.isoformat(), "vergelijk": comparison})
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(out["tekst"])


def estimate_for(gemeente: str, code: str, comparison: list[str], start: date, aard: str | None = None) -> dict:
    cube = cube_for(gemeente)
    months = cube.months()
    where = {"aard": aard} if aard else None
    counts = cube.counts(["wijk", "month"], where=where)
    pops = population([code, *comparison])
    by_area: dict[str, dict[str, int]] = {}
    for (wk, month), n in counts.items():
        by_area.setdefault(wk, {})[month] = n
    start_index = sum(1 for m in months if m < start.strftime("%Y-%m"))
    treated = Series(code, monthly_series(by_area.get(code, {}), months), pops.get(code, (0, None))[0] or 0)
    others = [Series(c, monthly_series(by_area.get(c, {}), months), pops.get(c, (0, None))[0] or 0)
              for c in comparison if c in pops]
    estimate = did_estimate(treated, others, start_index)
    pre = max(start_index, 1)
    t_rate = sum(treated.counts[:pre]) / pre
    c_rate = sum(sum(s.counts[:pre]) for s in others) / pre if others else 0
    needed = months_needed(t_rate, c_rate, pre, -0.25, estimate.dispersion) if estimate.effect is not None else None
    return {
        "estimate": estimate.effect, "ci_low": estimate.ci_low, "ci_high": estimate.ci_high, "p_value": estimate.p_value,
        "refused": estimate.refused or None, "months_needed_for_25pct": needed,
        "tekst": wording(estimate, code, [s.area for s in others]),
    }
