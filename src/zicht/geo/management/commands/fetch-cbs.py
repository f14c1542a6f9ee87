"""``zicht fetch-cbs --table 85984NED [--gemeente GM0855] [--jaar 2024]``: fresh KWB figures via cbsodata.

Needs internet (CBS OData). Columns are found by their title, because CBS changes the key
suffixes every year; unresolved indicators are listed, not guessed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zicht.geo import cbs
from zicht.geo.fetch import fetch, table_year
from zicht.geo.models import Buurt, Gemeente, Kerncijfer, Wijk


class Command(BaseCommand):
    help = "Haal een actuele CBS-tabel Kerncijfers wijken en buurten op met cbsodata en laad die als kerncijfers."

    def add_arguments(self, parser):
        parser.add_argument("--table", required=True, help="CBS-tabel, bijvoorbeeld 85984NED (KWB 2024)")
        parser.add_argument("--gemeente", help="alleen deze gemeente (GM####) plus Nederland")
        parser.add_argument("--jaar", type=int, help="jaar van de cijfers (standaard uit de tabelinformatie)")

    def handle(self, *args, **options):
        table = options["table"].upper()
        try:
            result = fetch(table, options.get("gemeente"), progress=lambda m: self.stdout.write(f"… {m}"))
        except (OSError, ConnectionError) as exc:  # requests' errors derive from OSError
            raise CommandError(f"CBS niet bereikbaar ({type(exc).__name__}); zicht fetch-cbs heeft internet nodig") from exc
        try:
            year = table_year(table, result["infos"], options.get("jaar"))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        counts = save(result, table, year)
        for key in result["missing"]:
            self.stdout.write(self.style.WARNING(f"Niet gevonden in {table}: {cbs.INDICATORS[key].label} ({key})"))
        self.stdout.write(
            self.style.SUCCESS(
                f"{table} ({year}): {counts['kerncijfers']} kerncijfers voor {counts['areas']} gebieden; "
                f"{counts['renamed']} gebiedsnamen bijgewerkt"
            )
        )


def save(result: dict, table: str, year: int) -> dict:
    """Store figures (replacing this table's earlier rows) and take over real wijk/buurt names."""
    bron = f"CBS {table} (cbsodata)"
    units = {k: cbs.INDICATORS[k].unit for k in cbs.INDICATORS}
    renamed = 0
    with transaction.atomic():
        codes = {a["code"] for a in result["areas"]}
        Kerncijfer.objects.filter(bron=bron, area_code__in=codes).delete()
        Kerncijfer.objects.bulk_create(
            [Kerncijfer(area_code=c, jaar=year, indicator=k, value=v, unit=units[k], bron=bron) for c, k, v in result["figures"]],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["area_code", "jaar", "indicator"],
            update_fields=["value", "unit", "bron"],
        )
        for area in result["areas"]:
            model = {"wijk": Wijk, "buurt": Buurt}.get(area["level"])
            if model is None or not area["naam"]:
                continue
            renamed += model.objects.filter(code=area["code"]).exclude(naam=area["naam"]).update(naam=area["naam"])
            if area["level"] == "wijk" and not Wijk.objects.filter(code=area["code"]).exists():
                gm = Gemeente.objects.filter(code="GM" + area["code"][2:6]).first()
                if gm:
                    Wijk.objects.create(code=area["code"], naam=area["naam"], gemeente=gm, indeling_jaar=year)
            if area["level"] == "buurt" and not Buurt.objects.filter(code=area["code"]).exists():
                wijk = Wijk.objects.filter(code="WK" + area["code"][2:8]).first()
                if wijk:
                    Buurt.objects.create(code=area["code"], naam=area["naam"], wijk=wijk, gemeente_id=wijk.gemeente_id, indeling_jaar=year)
    return {"kerncijfers": len(result["figures"]), "areas": len(result["areas"]), "renamed": renamed}
