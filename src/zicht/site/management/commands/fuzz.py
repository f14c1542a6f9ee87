"""``zicht fuzz [--inputs N] [--json] ``: fuzz importers, forms and HTTP in a throw-away database."""

from __future__ import annotations

import json
import logging
import os
import platform

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

from zicht.bench._machine import peak_rss_mb

try:
    from zicht.site.fuzzing import run_all
except ModuleNotFoundError as exc:  # hypothesis is in the test extra, not in a production install
    if exc.name != "hypothesis":
        raise
    run_all = None


class Command(BaseCommand):
    help = "Generate N inputs (hypothesis) against the importers, forms and HTTP/API; report crashes and 5xx answers."

    def add_arguments(self, parser):
        parser.add_argument("--inputs", type=int, default=100_000)
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--forms", type=float, default=0.7, help="Share of inputs for the forms (default 0.7)")
        parser.add_argument("--http", type=float, default=0.2, help="Share for HTTP pages and API (default 0.2)")
        parser.add_argument("--importer", type=float, default=0.1, help="Share for the import pipeline (default 0.1)")

    def handle(self, *args, **options):
        if run_all is None:
            raise CommandError("zicht fuzz heeft hypothesis nodig: installeer de test-extra (pip install 'zicht[test]').")
        # 403/404 answers to random input are expected; keep the output to the findings.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            result = run_all(options["inputs"], share={"forms": options["forms"], "http": options["http"], "importer": options["importer"]})
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
        result["peak_rss_mb"] = peak_rss_mb()
        result["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(), "database": connection.vendor}
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=1))
        else:
            for t in result["targets"]:
                self.stdout.write(
                    f"{t['target']:<9} {t['inputs']:>8} inputs  {t['seconds']:>7.1f} s  {t['finding_count']} bevindingen {t['findings'][:3]}"
                )
                for s in t["skipped"]:
                    self.stdout.write(f"          overgeslagen: {s}")
            self.stdout.write(
                f"totaal    {result['inputs']:>8} inputs  {result['seconds']:>7.1f} s  {result['findings']} bevindingen  piek {result['peak_rss_mb']} MB"
            )
        if result["findings"]:
            raise SystemExit(1)
