"""The regional meldcode organisation map at the Zuid-Limburg scale, on this database, rolled back.

``zicht bench organisation-map [--n 1600] [--regio CODE] [--repeat 10]`` writes N synthetic
organisations (``zicht.synth.organisations``, never real ones) for the region's gemeenten as CSV
and XLSX, imports the CSV through the ``meldcodekaart`` profile (timed), imports it again
(nothing changes: timed), imports the XLSX (timed), renders the region's map page with the Django
test client as a beleidsmedewerker of the region (p50/p95 over ``--repeat`` requests), and rolls
everything back. Figures are measured, never asserted in tests.
"""

from __future__ import annotations

import csv
import io
import time

READS_REGISTRY = False  # organisations only


def add_arguments(parser):
    parser.add_argument("--n", type=int, default=1600)
    parser.add_argument("--regio", default="", help="VT region code (default: the demo gemeente's region)")
    parser.add_argument("--repeat", type=int, default=10)


class _Rollback(Exception):
    pass


def _ms(values, q):
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] * 1000, 1)


def run(options) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from openpyxl import Workbook

    from zicht.access import roles
    from zicht.access.models import UserProfile
    from zicht.geo.regiodata import gemeenten_in_regio, regio_van_gemeente
    from zicht.prevention import orgimport
    from zicht.synth.organisations import COLUMNS, organisation_rows

    region = options["regio"] or regio_van_gemeente(settings.DEMO_GEMEENTE)
    codes = sorted(gemeenten_in_regio(region))
    rows = organisation_rows(codes, n=options["n"], seed=1)
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    data = text.getvalue().encode()
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for r in rows:
        ws.append([r[c] for c in COLUMNS])
    xlsx = io.BytesIO()
    wb.save(xlsx)
    profile = orgimport.load_profile("meldcodekaart")
    out: dict = {"regio": region, "gemeenten": len(codes), "organisations": options["n"]}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            first = orgimport.import_organisations(io.BytesIO(data), "bench.csv", profile, None)
            out["import_csv_s"] = round(time.perf_counter() - started, 3)
            out["import_result"] = f"{first.created} nieuw, {first.updated} bijgewerkt, {len(first.errors)} fouten"
            started = time.perf_counter()
            again = orgimport.import_organisations(io.BytesIO(data), "bench.csv", profile, None)
            out["reimport_csv_s"] = round(time.perf_counter() - started, 3)
            out["reimport_result"] = f"{again.created} nieuw, {again.updated} bijgewerkt, {again.unchanged} ongewijzigd"
            started = time.perf_counter()
            orgimport.import_organisations(io.BytesIO(xlsx.getvalue()), "bench.xlsx", profile, None)
            out["import_xlsx_unchanged_s"] = round(time.perf_counter() - started, 3)
            user = get_user_model().objects.create(username="bench-organisation-map")
            UserProfile.objects.create(user=user, role=roles.BELEIDSMEDEWERKER, regio_id=region)
            client = Client()
            client.force_login(user)
            url = reverse("prevention:meldcode_map")
            started = time.perf_counter()
            response = client.get(url)
            out["first_page_ms"] = round((time.perf_counter() - started) * 1000, 1)
            out["page_kb"] = round(len(response.content) / 1024)
            times = []
            for _ in range(options["repeat"]):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
            out["page_p50_ms"], out["page_p95_ms"] = _ms(times, 0.5), _ms(times, 0.95)
            started = time.perf_counter()
            client.get(url, {"sector": "onderwijs", "status": "af_getraind:nee"})
            out["filtered_page_ms"] = round((time.perf_counter() - started) * 1000, 1)
            raise _Rollback
    except _Rollback:
        pass
    return out
