"""``zicht bench NAME``: run one benchmark from ``zicht.bench`` and print its figures.

Each benchmark is a module ``zicht.bench.<name>`` with ``add_arguments(parser)``
and ``run(options) -> dict``; they are discovered, so adding one needs no edit here.
"""

from __future__ import annotations

import importlib
import json
import pkgutil

from django.core.management.base import BaseCommand, CommandError

import zicht.bench
from zicht.bench._machine import machine


def benchmarks() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(zicht.bench.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"zicht.bench.{info.name}")
        if hasattr(module, "run"):
            found[info.name.rstrip("_").replace("_", "-")] = module
    return found


class Command(BaseCommand):
    help = "Run a benchmark and print its figures (with the data size and the machine)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="benchmark", required=True)
        for name, module in sorted(benchmarks().items()):
            p = sub.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else name)
            p.add_argument("--json", action="store_true", help="print JSON instead of a table")
            if hasattr(module, "add_arguments"):
                module.add_arguments(p)

    def handle(self, *args, **options):
        module = benchmarks().get(options["benchmark"])
        if module is None:
            raise CommandError(f"Unknown benchmark {options['benchmark']}")

        result = module.run(options)
        result.setdefault("machine", machine())
        if options.get("json"):
            self.stdout.write(json.dumps(result, indent=2, default=str))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key:>28}: {value}")
