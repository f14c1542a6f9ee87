"""``zicht aggregate --gemeente GM0855 --level wijk --by aard [--jaar 2024] [--json]``.

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
from zicht.geo.models import Gemeente


def _cell(cell) -> dict:
    return {"value": cell.value, "display": cell.display, "status": cell.status, "reason": cell.reason}


class Command(BaseCommand):
    help = "Tel meldingen per gebied en dimensie, met onthullingsbeveiliging (afronding, onderdrukking, redenen)."

    def add_arguments(self, parser):
        parser.add_argument("--gemeente", required=True, help="GM-code, bijvoorbeeld GM0855")
        parser.add_argument("--level", choices=LEVELS, default="wijk")
        parser.add_argument("--by", default="", help="dimensies, komma-gescheiden: " + ", ".join(
            d for d in DIMENSIONS if d not in LEVELS))
        parser.add_argument("--jaar", type=int, help="alleen dit kalenderjaar")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        code = options["gemeente"].upper()
        gemeente = Gemeente.objects.filter(code=code).first()
        if gemeente is None:
            raise CommandError(f"Gemeente {code} is niet geladen (zicht load-geo --gemeente {code})")
        by = [d.strip() for d in options["by"].split(",") if d.strip()]
        bad = [d for d in by if d not in DIMENSIONS or d in LEVELS]
        if bad:
            raise CommandError(f"Onbekende dimensie(s): {', '.join(bad)}")
        level = options["level"]
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
                "gemeente": code, "level": level, "by": by, "jaar": pub.base["year"],
                "policy": {"threshold": policy.threshold, "rounding_base": policy.rounding_base},
                "row_dimensions": row_dims, "columns": list(table.col_keys),
                "rows": [{"key": dict(zip(row_dims, key)), "cells": {c: _cell(cell) for c, cell in zip(table.col_keys, cells)},
                          "total": _cell(total)} for key, cells, total in table.rows()],
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
        self.stdout.write("\t".join(["totaal"] + [""] * (len(row_dims) - 1) + [table.col_total(c).display for c in table.col_keys]
                                    + [table.total.display]))
        self.stdout.write(f"Jaar {pub.base['year']}. <{policy.threshold} = minder dan {policy.threshold} (primair onderdrukt); × = secundair onderdrukt; "
                          f"overige aantallen afgerond op {policy.rounding_base}.")
