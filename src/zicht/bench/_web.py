"""Shared parts of the web benchmarks: a throw-away PostgreSQL cluster, bulk COPY loading,
the ``zicht`` command in a subprocess, and load generation with wrk or Python threads."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path


class Cluster:
    def __init__(self, port: int):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if not bins:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = bins[-1].parent
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="zicht-bench-pg-"))
        self.dir.chmod(0o755)
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.run_as:
            shutil.chown(self.dir, "postgres", "postgres")
        self.url = f"postgres://zicht:zicht@127.0.0.1:{port}/zicht"

    def start(self):
        data = self.dir / "data"
        subprocess.run(
            [*self.run_as, str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c max_connections=100"
        subprocess.run(
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "server.log"), "-w", "-o", opts, "start"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        psql = [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q", "-c"]
        subprocess.run([*psql, "CREATE ROLE zicht LOGIN SUPERUSER PASSWORD 'zicht'"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*psql, "CREATE DATABASE zicht OWNER zicht"], check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run(
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def env_for(url: str, data_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {"DATABASE_URL": url, "ZICHT_DATA_DIR": str(data_dir), "ZICHT_CONN_MAX_AGE": "600", "DJANGO_SETTINGS_MODULE": "zicht.settings"}
    )
    from zicht.core.crypto import throwaway_secrets

    for name, value in throwaway_secrets().items():  # synthetic data only; never the demo keys
        env.setdefault(name, value)
    return env


def default_workers() -> int:
    """Two sync workers per core: one computes while the other waits on PostgreSQL (docs/benchmarks.md)."""
    return 2 * (os.cpu_count() or 1)


def gunicorn_command(port: int, workers: int, *extra: str) -> list[str]:
    """The web server as we advise it for production (behind a TLS proxy): sync workers, no
    request logging at this level, a backlog that absorbs a burst of 20+ connections."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [
        str(gunicorn),
        "zicht.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--backlog",
        "256",
        *extra,
    ]


def server_settings(env: dict, workers: int) -> dict:
    """What the measured server ran with, so a figure can be compared with a production setup."""
    return {
        "gunicorn": f"{workers} sync workers",
        "DEBUG": env.get("ZICHT_DEBUG", "0").strip().lower() in ("1", "true", "yes", "on"),
        "CONN_MAX_AGE_s": int(env.get("ZICHT_CONN_MAX_AGE", "60")),
        "cache": "redis" if env.get("ZICHT_REDIS_URL") else "file cache shared by the workers (ZICHT_DATA_DIR/cache)",
        "sessions": "cached_db",
        "user_snapshot_s": int(env.get("ZICHT_USER_SNAPSHOT_SECONDS", "60")),
        "static": "whitenoise",
    }


def run_zicht(env, *args, capture=False):
    exe = Path(sys.executable).with_name("zicht")
    return subprocess.run([str(exe), *args], env=env, check=True, text=True, capture_output=capture)


# --- bulk load with COPY ---------------------------------------------------------------------


def copy_rows(cur, table: str, columns: list[str], frame) -> None:
    """COPY a pandas frame (text format, \\N for NULL); values contain no tabs or backslashes."""
    buf = io.StringIO()
    frame[columns].to_csv(buf, sep="\t", header=False, index=False, na_rep="\\N", quoting=csv.QUOTE_NONE, quotechar="\x01")
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buf.getvalue())


def model_defaults(model, given: set[str]) -> dict:
    """Constant values for columns this loader does not set (fields other helpers may add)."""
    from django.db.models import JSONField

    out = {}
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key:
            continue
        if field.null:
            out[field.column] = None
        elif isinstance(field, JSONField):
            out[field.column] = json.dumps(field.get_default())
        elif field.has_default():
            value = field.get_default()
            out[field.column] = value if not isinstance(value, bool) else ("t" if value else "f")
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            out[field.column] = datetime.now(UTC).isoformat()
        else:
            out[field.column] = ""
    return out


def frame_for(model, data: dict):
    import pandas as pd

    frame = pd.DataFrame(data)
    for column, value in model_defaults(model, set(data)).items():
        frame[column] = value
    return frame


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0):
    import urllib.request

    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError("the web server did not start")


WRK_SCRIPT = """
local paths = {%s}
local cookies = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "sessionid=" .. cookies[(i %% #cookies) + 1]})
end
local non2xx = 0
response = function(status, headers, body) if status ~= 200 then non2xx = non2xx + 1 end end
done = function(summary, latency, requests)
  io.write(string.format("ZICHT %%d %%d %%d %%d %%d %%d %%d\\n", latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout, non2xx))
end
"""


def run_wrk(port: int, paths: list[str], cookies: list[str], clients: int, duration: int, workdir: Path) -> dict:
    script = workdir / "paths.lua"
    script.write_text(WRK_SCRIPT % (", ".join(json.dumps(p) for p in paths), ", ".join(json.dumps(c) for c in cookies)))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{clients}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(text for text in out.splitlines() if text.startswith("ZICHT "))
    p50, p95, p99, n, micros, errors, non2xx = (int(x) for x in line.split()[1:])
    return {
        "p50_ms": round(p50 / 1000, 1),
        "p95_ms": round(p95 / 1000, 1),
        "p99_ms": round(p99 / 1000, 1),
        "requests": n,
        "requests_per_s": round(n / (micros / 1e6), 1),
        "errors": errors + non2xx,
        "tool": "wrk",
    }


def run_threads(port: int, paths: list[str], cookies: list[str], clients: int, duration: int) -> dict:
    import http.client

    latencies, errors, stop = [], [0], time.time() + duration

    def worker(offset):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = offset
        while time.time() < stop:
            started = time.perf_counter()
            conn.request("GET", paths[i % len(paths)], headers={"Cookie": f"sessionid={cookies[offset % len(cookies)]}"})
            resp = conn.getresponse()
            resp.read()
            latencies.append(time.perf_counter() - started)
            errors[0] += resp.status != 200
            i += clients

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    q = statistics.quantiles(latencies, n=100)
    return {
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / duration, 1),
        "errors": errors[0],
        "tool": "python threads",
    }
