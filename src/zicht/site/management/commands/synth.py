"""``zicht synth``: write synthetic partner exports with ground truth (see docs/synthetic-data.md).

A thin wrapper: all logic lives in the framework-free package `zicht.synth`.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zicht.geo.models import Wijk
from zicht.geo.regiodata import gemeenten_in_regio
from zicht.synth.effects import parse_effect
from zicht.synth.generate import SOURCES, generate


class Command(BaseCommand):
    help = "Genereer synthetische exports van politie, Veilig Thuis en wijkteam (met ground truth)."

    def add_arguments(self, parser):
        parser.add_argument("--gemeente", default="GM0855", help="CBS gemeentecode, e.g. GM0855 (Tilburg)")
        parser.add_argument(
            "--regio", default=None, help="Veilig Thuis-regio (code, e.g. midden-brabant): al haar gemeenten, met verhuizingen ertussen"
        )
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True, help="output directory")
        parser.add_argument("--scale", type=float, default=1.0, help="multiplies every rate (70 ≈ 1 mln reports)")
        parser.add_argument("--end-date", default=None, help="last day of the window (jjjj-mm-dd); default yesterday")
        parser.add_argument("--sources", default=",".join(SOURCES), help="comma-separated subset of " + ",".join(SOURCES))
        parser.add_argument("--noise", type=float, default=1.0, help="multiplies every noise rate (0 = clean)")
        parser.add_argument(
            "--wijkteam-format", choices=("auto", "xlsx", "csv"), default="auto", help="auto: XLSX up to scale 5, CSV above"
        )
        parser.add_argument(
            "--effect", action="append", default=[], help="plant een afname: wijk(code of naam):-25%%:jjjj-mm-dd[:aard], herhaalbaar"
        )
        parser.add_argument("--data-dir", default=None, help="open-data directory (default settings.SHARED_DATA_DIR)")

    def handle(self, *args, **opts):
        sources = tuple(s.strip() for s in opts["sources"].split(",") if s.strip())
        unknown = set(sources) - set(SOURCES)
        if unknown:
            raise CommandError(f"Unknown source(s): {', '.join(sorted(unknown))}")
        if opts["years"] < 1 or opts["scale"] <= 0 or opts["noise"] < 0:
            raise CommandError("--years ≥ 1, --scale > 0 and --noise ≥ 0 are required")
        try:
            end = date.fromisoformat(opts["end_date"]) if opts["end_date"] else date.today() - timedelta(days=1)
        except ValueError as exc:
            raise CommandError("--end-date must be jjjj-mm-dd") from exc
        effects = []
        for text in opts["effect"]:
            try:
                effect = parse_effect(text)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            if not effect.wijk.upper().startswith("WK"):  # a wijk name: its code in this gemeente
                wijk = Wijk.objects.filter(gemeente_id=opts["gemeente"], naam__iexact=effect.wijk).first()
                if wijk is None:
                    raise CommandError(f"Onbekende wijk {effect.wijk} in {opts['gemeente']}")
                effect = replace(effect, wijk=wijk.code)
            effects.append(effect)
        gemeenten: str | list[str] = opts["gemeente"]
        if opts["regio"]:
            gemeenten = sorted(gemeenten_in_regio(opts["regio"]))
            if not gemeenten:
                raise CommandError(f"Onbekende of lege regio {opts['regio']} (zicht load-geo laadt de regio's)")
        data_dir = Path(opts["data_dir"] or settings.SHARED_DATA_DIR)
        started = time.perf_counter()
        try:
            manifest = generate(
                gemeenten,
                opts["years"],
                opts["seed"],
                Path(opts["out"]),
                data_dir,
                scale=opts["scale"],
                end_date=end,
                sources=sources,
                noise=opts["noise"],
                wijkteam_format=opts["wijkteam_format"],
                log=self.stdout.write,
                effects=effects,
            )
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        for name, info in manifest["files"].items():
            self.stdout.write(f"{name:>30}: {info}")
        rates = manifest["achieved"]["per_1000_per_year"]
        records = sum(v.get("records", 0) for v in manifest["files"].values())
        self.stdout.write(f"per 1.000 inwoners per jaar: {rates}")
        self.stdout.write(f"herhaalmeldingen: {manifest['achieved']['repeat_share_meldingen']}")
        self.stdout.write(self.style.SUCCESS(f"{records} records in {elapsed:.1f} s ({records / elapsed:,.0f} records/s) → {opts['out']}"))
