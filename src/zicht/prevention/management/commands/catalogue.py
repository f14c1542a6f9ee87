"""`zicht catalogue`: list, search, load or import the intervention catalogue."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from zicht.prevention import services
from zicht.prevention.domain import catalogue as cat


class Command(BaseCommand):
    help = "Interventiecatalogus: tonen (--json), zoeken/filteren, laden (--load) of CSV importeren (--import)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Lijst als JSON")
        parser.add_argument("--load", action="store_true", help="Meegeleverde catalogus (opnieuw) laden; idempotent")
        parser.add_argument("--import", dest="import_file", metavar="CSV", help="Extra interventies importeren uit CSV")
        parser.add_argument("--tekst", default="")
        parser.add_argument("--type", dest="preventietype", default="", choices=["", *cat.PREVENTION_TYPES])
        parser.add_argument("--risicofactor", default="")
        parser.add_argument("--bouwsteen", default="")
        parser.add_argument("--setting", default="")
        parser.add_argument("--leeftijd", type=int)
        parser.add_argument("--erkenning", default="", help="niveau, 'erkend' of 'actueel'")
        parser.add_argument("--today", help="Referentiedatum JJJJ-MM-DD voor de verouderd-vlag (standaard vandaag)")

    def handle(self, *args, **opts):
        today = date.fromisoformat(opts["today"]) if opts["today"] else date.today()
        if opts["load"]:
            created, updated = services.load_package_catalogue()
            self.stdout.write(f"Catalogus geladen: {created} nieuw, {updated} bijgewerkt.")
        if opts["import_file"]:
            try:
                with open(opts["import_file"], "rb") as fh:
                    created, updated, errors = services.import_catalogue_csv(fh)
            except OSError as exc:
                raise CommandError(f"Kan bestand niet lezen: {exc.strerror}") from None
            if errors:
                for e in errors:
                    self.stderr.write(str(e))
                raise CommandError(f"{len(errors)} fout(en); niets geïmporteerd.")
            self.stdout.write(f"Geïmporteerd: {created} nieuw, {updated} bijgewerkt.")
        if (opts["load"] or opts["import_file"]) and not opts["json"]:
            return
        query = cat.CatalogueQuery(
            tekst=opts["tekst"],
            preventietype=opts["preventietype"],
            risicofactor=opts["risicofactor"],
            bouwsteen=opts["bouwsteen"],
            setting=opts["setting"],
            leeftijd=opts["leeftijd"],
            erkenning=opts["erkenning"],
        )
        entries = [e for e in services.catalogue_entries() if cat.matches(e, query, today)]
        if opts["json"]:
            out = []
            for e in entries:
                erk = cat.parse_erkenningsdatum(e["erkenningsdatum"])
                out.append(
                    {
                        **e,
                        "erkenning_verouderd": cat.erkenning_outdated(erk, today),
                        "erkenning_status": cat.erkenning_status(e["erkenningsniveau"], erk, today),
                    }
                )
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for e in entries:
            erk = cat.parse_erkenningsdatum(e["erkenningsdatum"])
            flag = " (verouderd)" if cat.erkenning_outdated(erk, today) else ""
            types = ",".join(e["preventietypes"]) or "onbekend"
            self.stdout.write(f"{e['naam']} [{e['soort']}; {types}] {e['erkenningsniveau']} {e['erkenningsdatum']}{flag}")
        self.stdout.write(f"{len(entries)} resultaten.")
