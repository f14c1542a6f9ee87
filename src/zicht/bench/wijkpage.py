"""Wijk page p50/p95 with N reports on PostgreSQL and 20 concurrent clients.

``zicht bench wijkpage [--reports 1000000] [--clients 20] [--duration 30] [--workers 2×cores]`` starts a
throw-away PostgreSQL cluster under /tmp (the helpers of ``zicht.bench.casework_web``), migrates,
loads Tilburg's real geography (``zicht load-geo --gemeente GM0855``) and N synthetic reports
with COPY (not timed), starts gunicorn on loopback, warms every worker (the first request per
worker pulls the reports into its DuckDB cube: timed and reported), then measures the wijk
pages of all Tilburg wijken with wrk (or Python threads) — once with the page-fragment cache
(steady state) and once with it disabled (every request recomputes the figures from the cube).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from zicht.bench._web import (
    Cluster,
    copy_rows,
    default_workers,
    env_for,
    frame_for,
    free_port,
    gunicorn_command,
    run_threads,
    run_wrk,
    run_zicht,
    server_settings,
    wait_for_port,
)

AARDEN = ["kindermishandeling", "ex_partnergeweld", "geweld_tegen_ouders", "ouderenmishandeling", "hg_overig"]
AARDEN_P = [0.56, 0.31, 0.07, 0.02, 0.04]

SESSION_SCRIPT = r"""
import json, sys, django
django.setup()
from django.test import Client
from zicht.access import roles
from zicht.core.testing import make_user
from zicht.geo.models import Wijk
user = make_user(roles.BELEIDSMEDEWERKER, username="bench-beleid")
cookies = []
for _ in range(int(sys.argv[1])):
    client = Client()
    client.force_login(user)
    cookies.append(client.cookies["sessionid"].value)
print(json.dumps({"cookies": cookies, "wijken": list(Wijk.objects.filter(gemeente_id="GM0855").values_list("code", flat=True))}))
"""


def add_arguments(parser):
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=int, default=30, help="seconds per measured run")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn sync workers (default: 2 per core)")
    parser.add_argument("--port", type=int, default=54341, help="PostgreSQL port")
    parser.add_argument("--keep", action="store_true")


def load(url: str, n_reports: int, seed: int = 5) -> dict:
    """Organisations, addresses in Tilburg's buurten (weighted by inwoners) and N reports, by COPY."""
    # Imported here: runs in the benchmark's child process, after django.setup() on its own database.
    import numpy as np
    import psycopg

    from zicht.registry.models import Address, Organisation, Report

    rng = np.random.default_rng(seed)
    pg = url.replace("postgres://", "postgresql://")
    with psycopg.connect(pg) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT b.code, coalesce(k.value, 1) FROM geo_buurt b LEFT JOIN geo_kerncijfer k ON k.area_code = b.code "
            "AND k.indicator = 'inwoners' AND k.jaar = 2017 WHERE b.gemeente_id = 'GM0855' ORDER BY b.code"
        )
        rows = cur.fetchall()
        codes = np.array([r[0] for r in rows])
        weights = np.array([max(float(r[1]), 1.0) for r in rows])
        weights /= weights.sum()
        orgs = frame_for(
            Organisation,
            {
                "id": [1, 2, 3],
                "code": ["politie-b", "vt-b", "wijkteam-b"],
                "naam": ["Politie", "Veilig Thuis", "Wijkteam"],
                "type": ["politie", "veilig_thuis", "wijkteam"],
            },
        )
        copy_rows(cur, Organisation._meta.db_table, list(orgs.columns), orgs)
        n_addr = max(10, n_reports // 3)
        buurt_of_addr = codes[rng.choice(len(codes), n_addr, p=weights)]
        idx = np.arange(n_addr)
        addr = frame_for(
            Address,
            {
                "id": idx + 1,
                "key": [f"B{i}" for i in idx],
                "postcode": [f"{5000 + i % 100}AB" for i in idx],
                "huisnummer": idx // 100 + 1,
                "toevoeging": "",
                "straat": "",
                "woonplaats": "Tilburg",
                "buurt_id": buurt_of_addr,
            },
        )
        copy_rows(cur, Address._meta.db_table, list(addr.columns), addr)
        today = date.today()
        chunk = 250_000
        for start in range(0, n_reports, chunk):
            m = min(n_reports, start + chunk) - start
            heavy = rng.random(m) < 0.3  # repeat families: 30 % of reports on 5 % of addresses
            address = np.where(heavy, rng.integers(0, max(1, n_addr // 20), m), rng.integers(0, n_addr, m))
            source = rng.choice([1, 2, 3], m, p=[0.4, 0.5, 0.1])
            rep = frame_for(
                Report,
                {
                    "id": np.arange(start, start + m) + 1,
                    "source_id": source,
                    "source_record_id": [f"b{i}" for i in range(start, start + m)],
                    "soort": np.where(source == 1, "incident", np.where(source == 2, "melding", "signaal")),
                    "datum": [(today - timedelta(days=int(d))).isoformat() for d in rng.integers(0, 3 * 365, m)],
                    "aard": rng.choice(AARDEN, m, p=AARDEN_P),
                    "vormen": "[]",
                    "relatie": rng.choice(["partner", "ex_partner", "ouder_kind", "onbekend"], m),
                    "kinderen_aanwezig": np.where(rng.random(m) < 0.45, "t", "f"),
                    "address_id": address + 1,
                    "buurt_id": buurt_of_addr[address],
                    "toelichting": "",
                },
            )
            copy_rows(cur, Report._meta.db_table, list(rep.columns), rep)
        for model in (Organisation, Address, Report):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), (SELECT max(id) FROM {model._meta.db_table}))"
            )
        conn.commit()
        conn.autocommit = True
        cur.execute("ANALYZE")
    return {"reports": n_reports, "addresses": n_addr, "buurten": len(codes)}


def _warm(port: int, paths: list[str], cookie: str, workers: int) -> float:
    """Every worker computes its cube and every page fragment once; returns the slowest request (s)."""
    slowest = [0.0]

    def fetch_all():
        for path in paths:
            started = time.perf_counter()
            req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={cookie}"})
            urllib.request.urlopen(req, timeout=600).read()
            slowest[0] = max(slowest[0], time.perf_counter() - started)

    threads = [threading.Thread(target=fetch_all) for _ in range(workers * 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return round(slowest[0], 2)


def _measure(port, paths, cookies, clients, duration, work):
    if shutil.which("wrk"):
        return run_wrk(port, paths, cookies, clients, duration, work)
    return run_threads(port, paths, cookies, clients, duration)


def run(options) -> dict:
    result = {"target": "wijk page p95 ≤ 150 ms", "database": "PostgreSQL (throw-away cluster, fsync off)"}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    cluster = Cluster(options["port"])
    work = Path(tempfile.mkdtemp(prefix="zicht-bench-wijk-"))
    servers = []
    try:
        cluster.start()
        env = env_for(cluster.url, work)
        run_zicht(env, "migrate", "--noinput", capture=True)
        run_zicht(env, "load-geo", "--gemeente", "GM0855", capture=True)
        started = time.perf_counter()
        result["data"] = load(cluster.url, options["reports"])
        result["load_seconds"] = round(time.perf_counter() - started, 1)
        session = json.loads(
            subprocess.run(
                [sys.executable, "-c", SESSION_SCRIPT, str(options["clients"])], env=env, check=True, text=True, capture_output=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        paths = [f"/gebied/wijk/{code}/" for code in session["wijken"]]
        random.Random(1).shuffle(paths)
        for label, fragment_seconds in (("with_fragment_cache", "300"), ("without_fragment_cache", "0")):
            port = free_port()
            server = subprocess.Popen(
                gunicorn_command(port, options["workers"], "--timeout", "600"),
                env={**env, "ZICHT_AREAS_FRAGMENT_SECONDS": fragment_seconds},
                stdout=subprocess.DEVNULL,
                stderr=open(work / f"gunicorn-{label}.log", "w"),  # noqa: SIM115 - open while the server runs
                start_new_session=True,
            )
            servers.append(server)
            wait_for_port(port, timeout=60)
            result[f"{label}_slowest_warmup_request_s"] = _warm(port, paths, session["cookies"][0], options["workers"])
            result[label] = _measure(port, paths, session["cookies"], options["clients"], options["duration"], work)
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            servers.remove(server)
        result.update(
            clients=options["clients"],
            gunicorn_workers=options["workers"],
            server=server_settings(env, options["workers"]),
            pages=len(paths),
            duration_s_per_run=options["duration"],
        )
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not options.get("keep"):
            cluster.stop()
            shutil.rmtree(work, ignore_errors=True)
    return result
