"""``zicht recidive --gemeente GM0855 [--level wijk] [--json]`` or ``--regio CODE``: recidive figures, disclosure-controlled.

With ``--regio`` the region's gemeenten (membership of the current year) side by side: per window
the addresses followed and the share with a next registration, each gemeente's cells as its own
recidive page publishes them and the region totals controlled together with them
(``regional.recidive_stack``).

Shares of addresses, households and linked persons with a new registration within 6, 12 and 24
months after a first registration and after the end of a help trajectory, split by aard, children
and year of first registration, and Kaplan–Meier points per year. Definitions: docs/effects.md.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from zicht.areas.disclosure import percentage
from zicht.areas.policy import default_policy
from zicht.areas.recidive import cell_json, figures_json, load_episodes, recidive_figures
from zicht.areas.recidive_rules import WINDOWS_MONTHS
from zicht.areas.regional import recidive_stack
from zicht.geo.models import Gemeente, VtRegio, Wijk
from zicht.geo.regiodata import current_year, gemeenten_in_regio


class Command(BaseCommand):
    help = "Recidive per gemeente of wijk: aandeel met een nieuwe registratie binnen 6, 12 en 24 maanden (beveiligd)."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--gemeente", help="GM-code, bijvoorbeeld GM0855")
        where.add_argument("--regio", help="Veilig Thuis-regio, bijvoorbeeld midden-brabant: haar gemeenten naast elkaar")
        parser.add_argument("--level", choices=("gemeente", "wijk"), default="gemeente")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options["regio"]:
            return self.region(options)
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

    def region(self, options):
        regio = VtRegio.objects.filter(code=options["regio"].lower()).first()
        if regio is None:
            raise CommandError(f"Onbekende regio {options['regio']}")
        year = current_year()
        gemeenten = list(Gemeente.objects.filter(code__in=gemeenten_in_regio(regio.code, year)).defer("geometry").order_by("naam"))
        if not gemeenten:
            raise CommandError(f"Geen gemeenten van regio {regio.code} geladen (zicht load-geo)")
        policy = default_policy()
        codes = [g.code for g in gemeenten]
        episodes = {c: load_episodes(c) for c in codes}
        windows = {}
        for window in WINDOWS_MONTHS:
            controlled, cells, _ = recidive_stack(codes, policy, window, episodes.__getitem__)
            windows[str(window)] = {
                "gemeenten": {c: {"gevolgd": cell_json(cells[c].total), "aandeel": cell_json(cells[c].share)} for c in codes},
                "regio": {
                    "gevolgd": cell_json(controlled.total),
                    "aandeel": cell_json(percentage(controlled.col_total("wel"), controlled.total)),
                },
            }
        out = {
            "regio": regio.code,
            "naam": regio.naam,
            "indeling_jaar": year,
            "gemeenten": [{"code": g.code, "naam": g.naam} for g in gemeenten],
            "definitie": "adressen met een nieuwe registratie binnen het venster na een eerste registratie",
            "vensters_maanden": windows,
        }
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Recidive regio {regio.naam} (adressen, na een eerste registratie)")
        for g in gemeenten:
            cells = "  ".join(
                f"{m} mnd: {w['gemeenten'][g.code]['aandeel']['display']:>5} (n {w['gemeenten'][g.code]['gevolgd']['display']})"
                for m, w in windows.items()
            )
            self.stdout.write(f"  {g.naam:<30} {cells}")
        cells = "  ".join(
            f"{m} mnd: {w['regio']['aandeel']['display']:>5} (n {w['regio']['gevolgd']['display']})" for m, w in windows.items()
        )
        self.stdout.write(f"  {'Regio':<30} {cells}")
