"""``zicht aggregate --gemeente GM0855 --level wijk --by aard [--jaar 2024] [--json]``
and ``zicht aggregate --regio midden-brabant --level gemeente --by year [--json]``.

With ``--regio`` the rows are the region's gemeenten (of each year: ``zicht.geo.regions``) and every
cell is the one that gemeente's own pages publish; only the region totals are new, controlled
with them (``zicht.areas.regional``). ``--by`` is then one of year, bron, aard.

Prints a disclosure-controlled table: rows are the areas of the level (with the month for
``--by month,…``), columns the last ``--by`` dimension, with row, column and grand totals. Every
cell carries its display text ('15', '<10', '×'), status and reason.

The table is *taken from* the gemeente's one protected set of cells (``zicht.areas.publication``),
never controlled anew: a table controlled on its own next to the pages would let a reader subtract
one from the other (issue 12). Combinations outside the protected set are refused with the list of
what is available; without ``--jaar`` the newest year is shown.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from zicht.areas.engine import DIMENSIONS
from zicht.areas.policy import default_policy
from zicht.areas.publication import LEVELS, NotPublished, published_table
from zicht.areas.regional import region_figures
from zicht.geo.models import Gemeente, VtRegio
from zicht.geo.regiodata import current_year, gemeenten_in_regio

REGION_BY = {"year": "jaren", "bron": "bron", "aard": "aard"}


def _cell(cell) -> dict:
    return {"value": cell.value, "display": cell.display, "status": cell.status, "reason": cell.reason}


class Command(BaseCommand):
    help = "Tel meldingen per gebied en dimensie, met onthullingsbeveiliging (afronding, onderdrukking, redenen)."

    def add_arguments(self, parser):
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--gemeente", help="GM-code, bijvoorbeeld GM0855")
        where.add_argument("--regio", help="code van een Veilig Thuis-regio, bijvoorbeeld midden-brabant")
        parser.add_argument("--level", choices=LEVELS, help="standaard wijk (met --regio: gemeente)")
        parser.add_argument("--by", default="", help="dimensies, komma-gescheiden: " + ", ".join(d for d in DIMENSIONS if d not in LEVELS))
        parser.add_argument("--jaar", type=int, help="alleen dit kalenderjaar")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        if options.get("regio"):
            return self.region(options)
        code = options["gemeente"].upper()
        gemeente = Gemeente.objects.filter(code=code).first()
        if gemeente is None:
            raise CommandError(f"Gemeente {code} is niet geladen (zicht load-geo --gemeente {code})")
        by = [d.strip() for d in options["by"].split(",") if d.strip()]
        bad = [d for d in by if d not in DIMENSIONS or d in LEVELS]
        if bad:
            raise CommandError(f"Onbekende dimensie(s): {', '.join(bad)}")
        level = options["level"] or "wijk"
        policy = default_policy()
        try:
            pub = published_table(gemeente, level, tuple(by), options.get("jaar"), policy)
        except NotPublished as exc:
            raise CommandError(str(exc)) from exc
        if options.get("jaar") and pub.base["year"] != options["jaar"]:
            raise CommandError(f"Geen registercijfers voor {options['jaar']} in {code}.")
        table, row_dims = pub.table, pub.row_dims
        if options["json"]:
            out = {
                "gemeente": code,
                "level": level,
                "by": by,
                "jaar": pub.base["year"],
                "policy": {"threshold": policy.threshold, "rounding_base": policy.rounding_base},
                "row_dimensions": row_dims,
                "columns": list(table.col_keys),
                "rows": [
                    {
                        "key": dict(zip(row_dims, key)),
                        "cells": {c: _cell(cell) for c, cell in zip(table.col_keys, cells)},
                        "total": _cell(total),
                    }
                    for key, cells, total in table.rows()
                ],
                "column_totals": {c: _cell(table.col_total(c)) for c in table.col_keys},
                "total": _cell(table.total),
                "suppressed_cells": table.suppressed_count,
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        header = [*row_dims, *map(str, table.col_keys), "totaal"]
        self.stdout.write("\t".join(header))
        for key, cells, total in table.rows():
            self.stdout.write("\t".join([*map(str, key), *(c.display for c in cells), total.display]))
        self.stdout.write(
            "\t".join(
                ["totaal"] + [""] * (len(row_dims) - 1) + [table.col_total(c).display for c in table.col_keys] + [table.total.display]
            )
        )
        self.stdout.write(
            f"Jaar {pub.base['year']}. <{policy.threshold} = minder dan {policy.threshold} (primair onderdrukt); × = secundair onderdrukt; "
            f"overige aantallen afgerond op {policy.rounding_base}."
        )

    def region(self, options):
        regio = VtRegio.objects.filter(code=options["regio"].lower()).first()
        if regio is None:
            raise CommandError(f"Onbekende regio {options['regio']} (zicht load-geo laadt de regio-indeling)")
        by = options["by"] or "year"
        if (options["level"] or "gemeente") != "gemeente" or by not in REGION_BY:
            raise CommandError(f"Met --regio: --level gemeente en --by één van {', '.join(REGION_BY)}")
        year = options.get("jaar")
        codes = gemeenten_in_regio(regio.code, year or current_year())
        gemeenten = list(Gemeente.objects.filter(code__in=codes).defer("geometry").order_by("naam"))
        if not gemeenten:
            raise CommandError(f"Geen gemeenten van {regio.naam} geladen (zicht load-geo)")
        figures = region_figures(regio, gemeenten, sorted(codes - {g.code for g in gemeenten}), year, default_policy())
        table = figures.table(REGION_BY[by])
        if options["json"]:
            policy = default_policy()
            out = {
                "regio": regio.code,
                "naam": regio.naam,
                "level": "gemeente",
                "by": [by],
                "jaar": figures.year,
                "policy": {"threshold": policy.threshold, "rounding_base": policy.rounding_base},
                "gemeenten_zonder_gegevens": figures.missing,
                "columns": table.columns,
                "rows": [
                    {
                        "key": {"gemeente": r.code, "naam": r.label},
                        "cells": dict(zip(table.columns, map(_cell, r.cells), strict=True)),
                        "total": _cell(r.total) if r.total is not None else None,
                    }
                    for r in table.rows
                ],
                "column_totals": dict(zip(table.columns, map(_cell, table.totals.cells), strict=True)),
                "total": _cell(table.totals.total) if table.totals.total is not None else None,
                "suppressed_cells": sum(1 for c in table.all_cells() if c.suppressed),
            }
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
            return
        self.stdout.write("\t".join(table.header()))
        for row in table.body():
            self.stdout.write("\t".join([row.label, *(c.display for c in row.cells)] + ([row.total.display] if row.total else [])))
