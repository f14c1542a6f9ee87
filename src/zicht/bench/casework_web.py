"""Casework web: address page and colour list p95 with 1,000,000 reports on PostgreSQL, 20 concurrent clients.

Everything runs against a throw-away PostgreSQL cluster under /tmp (Debian's binaries), never the
user's database: migrate, bulk-load synthetic rows with COPY (not timed), ``zicht recolour``
(timed, reported), then gunicorn on loopback and ``wrk`` (or Python threads when wrk is missing)
with the given number of connections, one run per page. Prints p50/p95/p99, requests/s, errors
and the data size. The cluster is stopped and removed afterwards unless ``--keep``.
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
import time
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

VOORNAMEN = ["Sanne", "Mark", "Noah", "Emma", "Daan", "Julia", "Mohamed", "Fatima", "Lucas", "Sophie", "Bram", "Elif"]
ACHTERNAMEN = [("", "Jansen"), ("de", "Vries"), ("van der", "Berg"), ("", "Bakker"), ("el", "Amrani"), ("", "Yilmaz"), ("van", "Dijk")]
VORMEN = [
    "[]",
    '["psychisch"]',
    '["lichamelijk"]',
    '["lichamelijk", "psychisch"]',
    '["psychisch", "getuige"]',
    '["verwaarlozing"]',
    '["seksueel"]',
]
VORMEN_P = [0.15, 0.35, 0.2, 0.12, 0.1, 0.05, 0.03]
AARDEN = ["ex_partnergeweld", "kindermishandeling", "hg_overig", "ouderenmishandeling", "geweld_tegen_ouders", "geen_hg_km"]
AARDEN_P = [0.42, 0.35, 0.12, 0.04, 0.04, 0.03]


def add_arguments(parser):
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20, help="concurrent connections")
    parser.add_argument("--duration", type=int, default=30, help="seconds per page")
    parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn sync workers (default: 2 per core)")
    parser.add_argument("--port", type=int, default=54339, help="PostgreSQL port (the web server takes a free port)")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running and print its URL")
    parser.add_argument(
        "--reuse",
        metavar="URL",
        default="",
        help="measure against a cluster kept by an earlier --keep run (no load, no recolour; never the user's database)",
    )


# --- throw-away PostgreSQL -------------------------------------------------------------------


def load(url: str, n_reports: int, seed: int = 4) -> dict:
    # Imported here: runs in the benchmark's child process, after django.setup() on its own database.
    import numpy as np
    import psycopg

    from zicht.core.crypto import cipher, place
    from zicht.geo.models import Buurt, Gemeente, Wijk
    from zicht.registry.models import Address, Organisation, Person, Report, ReportParty

    rng = np.random.default_rng(seed)
    today = date.today()
    n_addr = max(10, n_reports // 3)
    enc = cipher().encrypt
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=False) as conn, conn.cursor() as cur:
        gm = frame_for(Gemeente, {"code": ["GM0855"], "naam": ["Tilburg"], "indeling_jaar": [2024]})
        copy_rows(cur, Gemeente._meta.db_table, list(gm.columns), gm)
        wk = frame_for(
            Wijk,
            {
                "code": [f"WK0855{i:02d}" for i in range(10)],
                "naam": [f"Wijk {i}" for i in range(10)],
                "gemeente_id": "GM0855",
                "indeling_jaar": 2024,
            },
        )
        copy_rows(cur, Wijk._meta.db_table, list(wk.columns), wk)
        bu = frame_for(
            Buurt,
            {
                "code": [f"BU0855{i:04d}" for i in range(100)],
                "naam": [f"Buurt {i}" for i in range(100)],
                "wijk_id": [f"WK0855{i // 10:02d}" for i in range(100)],
                "gemeente_id": "GM0855",
                "indeling_jaar": 2024,
            },
        )
        copy_rows(cur, Buurt._meta.db_table, list(bu.columns), bu)
        orgs = frame_for(
            Organisation,
            {
                "id": [1, 2, 3],
                "code": ["politie", "vt", "wijkteam"],
                "naam": ["Politie", "Veilig Thuis", "Wijkteam"],
                "type": ["politie", "veilig_thuis", "wijkteam"],
            },
        )
        copy_rows(cur, Organisation._meta.db_table, list(orgs.columns), orgs)

        idx = np.arange(n_addr)
        letters = [f"{chr(65 + a)}{chr(65 + b)}" for a in range(26) for b in range(26)]
        pcs = np.array([f"{5000 + i % 100}{letters[(i // 100) % 676]}" for i in range(n_addr)])
        nrs = idx // 67600 + 1
        buurt_of_addr = np.array([f"BU0855{i:04d}" for i in range(100)])[idx % 100]
        addr = frame_for(
            Address,
            {
                "id": idx + 1,
                "key": [f"{p}|{n}|" for p, n in zip(pcs, nrs)],
                "postcode": pcs,
                "huisnummer": nrs,
                "toevoeging": "",
                "straat": "Korvelseweg",
                "woonplaats": "Tilburg",
                "buurt_id": buurt_of_addr,
            },
        )
        copy_rows(cur, Address._meta.db_table, list(addr.columns), addr)

        # two persons per address; a small pool of encrypted names (decryption cost per row is what counts)
        # (bound to the column, not to a row: the pool is shared by many rows)
        where = {c: place(Person._meta.db_table, c) for c in ("voornamen", "tussenvoegsel", "achternaam", "geboortedatum")}
        pool = [
            (
                enc(v, where["voornamen"]),
                enc(t, where["tussenvoegsel"]),
                enc(a, where["achternaam"]),
                enc(f"{1960 + k % 50}-0{1 + k % 9}-1{k % 10}", where["geboortedatum"]),
            )
            for k, (v, (t, a)) in enumerate((rng.choice(VOORNAMEN), ACHTERNAMEN[int(rng.integers(len(ACHTERNAMEN)))]) for _ in range(500))
        ]
        n_pers = 2 * n_addr
        pick = rng.integers(0, len(pool), n_pers)
        pers = frame_for(
            Person,
            {
                "id": np.arange(n_pers) + 1,
                "source_id": 1,
                "source_key": [f"p{i}" for i in range(n_pers)],
                "bsn_hash": "",
                "voornamen": [pool[k][0] for k in pick],
                "tussenvoegsel": [pool[k][1] for k in pick],
                "achternaam": [pool[k][2] for k in pick],
                "geboortedatum": [pool[k][3] for k in pick],
                "geslacht": "x",
                "address_id": np.repeat(idx + 1, 2),
            },
        )
        copy_rows(cur, Person._meta.db_table, list(pers.columns), pers)

        # reports: 70 % spread over all addresses, 30 % on 5 % of them (repeat families)
        heavy = rng.random(n_reports) < 0.3
        address_of = np.where(heavy, rng.integers(0, max(1, n_addr // 20), n_reports), rng.integers(0, n_addr, n_reports)) + 1
        days = rng.integers(0, 3 * 365, n_reports)
        kinds = rng.choice(["incident", "melding", "advies"], n_reports, p=[0.45, 0.35, 0.2])
        source = np.where(kinds == "incident", 1, 2)
        chunk = 250_000
        for start in range(0, n_reports, chunk):
            sl = slice(start, min(n_reports, start + chunk))
            m = sl.stop - sl.start
            rep = frame_for(
                Report,
                {
                    "id": np.arange(sl.start, sl.stop) + 1,
                    "source_id": source[sl],
                    "source_record_id": [f"r{i}" for i in range(sl.start, sl.stop)],
                    "soort": kinds[sl],
                    "datum": [(today - timedelta(days=int(d))).isoformat() for d in days[sl]],
                    "aard": rng.choice(AARDEN, m, p=AARDEN_P),
                    "vormen": rng.choice(VORMEN, m, p=VORMEN_P),
                    "relatie": "partner",
                    "kinderen_aanwezig": np.where(rng.random(m) < 0.3, "t", "f"),
                    "letsel": np.where(rng.random(m) < 0.08, "t", "f"),
                    "wapen": np.where(rng.random(m) < 0.02, "t", "f"),
                    "huisverbod": np.where(rng.random(m) < 0.01, "t", "f"),
                    "address_id": address_of[sl],
                    "buurt_id": buurt_of_addr[address_of[sl] - 1],
                    "toelichting": "",
                },
            )
            copy_rows(cur, Report._meta.db_table, list(rep.columns), rep)
            victim = 2 * (address_of[sl] - 1) + 1
            both = rng.random(m) < 0.5
            parties = frame_for(
                ReportParty,
                {
                    "report_id": np.concatenate([rep["id"].to_numpy(), rep["id"].to_numpy()[both]]),
                    "person_id": np.concatenate([victim, victim[both] + 1]),
                    "rol": ["slachtoffer"] * m + ["pleger"] * int(both.sum()),
                },
            )
            copy_rows(cur, ReportParty._meta.db_table, list(parties.columns), parties)
        for model in (Organisation, Address, Person, Report):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), (SELECT max(id) FROM {model._meta.db_table}))"
            )
        conn.commit()
        conn.autocommit = True
        cur.execute("ANALYZE")
        cur.execute(f"SELECT count(*) FROM {ReportParty._meta.db_table}")
        n_parties = cur.fetchone()[0]
    return {"reports": n_reports, "addresses": n_addr, "persons": n_pers, "parties": n_parties}


# --- session for the load generator ------------------------------------------------------------

SESSION_SCRIPT = r"""
import html, importlib, json, re, sys, django
django.setup()
from django.conf import settings
from django.test import Client
from zicht.access import roles
from zicht.core.testing import make_user
from zicht.casework.models import ColourResult
from zicht.geo.models import Gemeente
SessionStore = importlib.import_module(settings.SESSION_ENGINE).SessionStore  # the engine the server reads (cache first)
from django.contrib.auth import get_user_model
user = get_user_model().objects.filter(username="bench-regie").first() or make_user(roles.KETENREGISSEUR, username="bench-regie", gemeente=Gemeente.objects.get(pk="GM0855"))
ids = list(ColourResult.objects.filter(is_current=True, subject_type="address", colour__in=["rood", "oranje"]).order_by("?").values_list("address_id", flat=True)[:300])
cookies = []
for _ in range(int(sys.argv[1])):  # one session per connection, as 20 people would have
    client = Client()
    client.force_login(user)
    session = SessionStore(session_key=client.cookies["sessionid"].value)
    session["zicht_purposes"] = {**session.get("zicht_purposes", {}), **{f"address:{pk}": "Voorbereiding casusoverleg" for pk in ids}}
    session.save()
    cookies.append(client.cookies["sessionid"].value)
# Deeper pages of the colour list: follow the keyset "Volgende" links as a user would.
pages, path = [], "/casus/?kleur=rood"
for _ in range(6):
    found = re.search(r'href="\?([^"]*)" rel="next"', client.get(path).content.decode())
    if not found:
        break
    path = "/casus/?" + html.unescape(found.group(1))
    pages.append(path)
print(json.dumps({"cookies": cookies, "ids": ids, "rood_pages": pages}))
"""


def run(options) -> dict:
    result = {"target": "p95 ≤ 150 ms", "database": "PostgreSQL (throw-away cluster, fsync off)"}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a terminated run still stops its cluster
    reuse = options.get("reuse") or ""
    cluster = None if reuse else Cluster(options["port"])
    work = Path(tempfile.mkdtemp(prefix="zicht-bench-web-"))
    server = None
    try:
        if reuse:  # a cluster this benchmark loaded before (--keep): measure the web pages only
            env = env_for(reuse, work)
            result["data"] = "as loaded by the earlier --keep run"
        else:
            cluster.start()
            env = env_for(cluster.url, work)
            run_zicht(env, "migrate", "--noinput", capture=True)
            started = time.perf_counter()
            result["data"] = load(cluster.url, options["reports"])
            result["load_seconds"] = round(time.perf_counter() - started, 1)
            started = time.perf_counter()
            recolour = json.loads(run_zicht(env, "recolour", "--json", capture=True).stdout)
            result["recolour_seconds"] = round(time.perf_counter() - started, 1)
            result["recolour"] = {k: recolour["address"][k] for k in ("evaluated", "changed", "work_items")}
            subprocess.run(
                [str(cluster.bin / "psql"), cluster.url.replace("postgres://", "postgresql://"), "-q", "-c", "ANALYZE"], check=True, env=env
            )
        session = json.loads(
            subprocess.run(
                [sys.executable, "-c", SESSION_SCRIPT, str(options["clients"])], env=env, check=True, text=True, capture_output=True
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        port = free_port()
        server = subprocess.Popen(
            gunicorn_command(port, options["workers"]),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "gunicorn.log", "w"),  # noqa: SIM115 - open while the server runs
            start_new_session=True,
        )
        wait_for_port(port)
        rng = random.Random(1)
        pages = {
            "address_page": [f"/casus/adres/{pk}/" for pk in session["ids"]],
            "colour_list": [
                f"/casus/?{q}"
                for q in (
                    ["", "kleur=rood", "kleur=oranje", "periode=3", "aard=kindermishandeling", "kleur=rood&periode=12"]
                    + [f"wijk=WK0855{w:02d}" for w in range(10)]
                    + [f"wijk=WK0855{w:02d}&kleur=geel" for w in range(10)]
                )
            ]
            + session["rood_pages"],  # pages 2–7 of the red list (keyset links)
        }
        for name, paths in pages.items():
            rng.shuffle(paths)
            # warm-up, then the measured run
            if shutil.which("wrk"):
                run_wrk(port, paths, session["cookies"], options["clients"], 3, work)
                result[name] = run_wrk(port, paths, session["cookies"], options["clients"], options["duration"], work)
            else:
                run_threads(port, paths, session["cookies"], options["clients"], 3)
                result[name] = run_threads(port, paths, session["cookies"], options["clients"], options["duration"])
        result["clients"] = options["clients"]
        result["gunicorn_workers"] = options["workers"]
        result["server"] = server_settings(env, options["workers"])
        result["duration_s_per_page"] = options["duration"]
        if options.get("keep") and not reuse:
            result["database_url"] = cluster.url
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        if not options.get("keep"):
            if not reuse:
                cluster.stop()
            shutil.rmtree(work, ignore_errors=True)
    return result
