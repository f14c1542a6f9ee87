"""`zicht organisations`: import organisations with their meldcode status through a profile, or
write a synthetic file (never real organisations) for a test, a demo or a benchmark.

    zicht organisations --import kaart.xlsx [--profile meldcodekaart] [--json]
    zicht organisations --synth kaart.csv --regio zuid-limburg [--n 1600] [--seed 1]
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zicht.core.spreadsheet import csv_writer
from zicht.geo.regiodata import gemeenten_in_regio
from zicht.prevention import orgimport
from zicht.synth.organisations import COLUMNS, organisation_rows


class Command(BaseCommand):
    help = "Organisaties met meldcodestatus importeren (--import) of een synthetisch bestand maken (--synth)."

    def add_arguments(self, parser):
        parser.add_argument("--import", dest="import_file", type=Path, metavar="BESTAND", help="CSV of XLSX")
        parser.add_argument("--profile", default="meldcodekaart", help="organisatieprofiel (prevention/data/organisatieprofielen)")
        parser.add_argument("--synth", type=Path, metavar="CSV", help="schrijf synthetische organisaties naar dit bestand")
        parser.add_argument("--regio", default="", help="VT-regio (code) voor --synth")
        parser.add_argument("--gemeenten", default="", help="komma-gescheiden gemeentecodes voor --synth (in plaats van --regio)")
        parser.add_argument("--n", type=int, default=1600)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **opts):
        if opts["synth"]:
            codes = [c.strip() for c in opts["gemeenten"].split(",") if c.strip()] or sorted(gemeenten_in_regio(opts["regio"]))
            if not codes:
                raise CommandError("Geef --regio (met gemeenten in de regio-indeling) of --gemeenten.")
            with open(opts["synth"], "w", newline="", encoding="utf-8") as fh:
                writer = csv_writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)
                writer.writerow(COLUMNS)
                for row in organisation_rows(codes, n=opts["n"], seed=opts["seed"]):
                    writer.writerow([row[c] for c in COLUMNS])
            self.stdout.write(f"{opts['n']} synthetische organisaties in {len(codes)} gemeenten → {opts['synth']}")
            return
        if not opts["import_file"]:
            raise CommandError("Geef --import BESTAND of --synth CSV.")
        try:
            profile = orgimport.load_profile(opts["profile"])
        except KeyError as exc:
            raise CommandError(str(exc)) from None
        with open(opts["import_file"], "rb") as fh:
            result = orgimport.import_organisations(fh, opts["import_file"].name, profile, None)
        out = {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": [str(e) for e in result.errors],
        }
        if opts["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        elif result.ok:
            self.stdout.write(f"Geïmporteerd: {result.created} nieuw, {result.updated} bijgewerkt, {result.unchanged} ongewijzigd.")
        if not result.ok:
            if not opts["json"]:
                for e in result.errors[:50]:
                    self.stderr.write(str(e))
            raise CommandError(f"{len(result.errors)} fout(en); niets geïmporteerd.")
