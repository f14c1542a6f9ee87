"""``zicht load-geo [--gemeente GM0855 | --all]``: CBS geography and key figures from local files."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from zicht.geo.loaders import load_geo
from zicht.geo.regiodata import load_regions


class Command(BaseCommand):
    help = "Laad gemeenten, wijken, buurten en CBS-kerncijfers uit de lokale open data (standaard heel Nederland)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--gemeente", help="alleen deze gemeente (GM####) plus de landelijke waarden")
        group.add_argument("--all", action="store_true", help="heel Nederland (standaard)")

    def handle(self, *args, **options):
        code = options.get("gemeente")
        if code and not (code.upper().startswith("GM") and len(code) == 6):
            raise CommandError("Geef een gemeentecode als GM0855")
        start = time.perf_counter()
        counts = load_geo(gemeente=code, progress=lambda msg: self.stdout.write(f"… {msg}"))
        if code and counts["gemeenten"] == 0:
            raise CommandError(f"Gemeente {code} komt niet voor in de CBS-bestanden")
        self.stdout.write(
            self.style.SUCCESS(
                "Geladen: {gemeenten} gemeenten, {wijken} wijken, {buurten} buurten, {kerncijfers} kerncijfers".format(**counts)
                + f" in {time.perf_counter() - start:.1f} s"
            )
        )
        try:
            regions = load_regions()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS("Veilig Thuis-regio's: {regios} regio's, {lidmaatschappen} gemeente-lidmaatschappen".format(**regions))
        )
