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
from zicht.access.rules import log_command
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


def _arguments(options: dict) -> str:
    """The options as logged: names and plain values (paths by file name only)."""
    skip = {"verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color", "skip_checks", "benchmark"}
    parts = []
    for key, value in sorted(options.items()):
        if key in skip or value in (None, False):
            continue
        value = getattr(value, "name", value)  # a Path: its name only
        parts.append(f"--{key.replace('_', '-')}" + ("" if value is True else f"={value}"))
    return " ".join(parts)


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

        reads_registry = getattr(module, "READS_REGISTRY", False)
        try:
            result = module.run(options)
        except Exception as exc:
            if reads_registry:
                log_command(f"bench {options['benchmark']}", _arguments(options), reason=f"mislukt ({type(exc).__name__})")
            raise
        if reads_registry:  # a benchmark over this installation's registry reads personal data: NEN 7513
            log_command(f"bench {options['benchmark']}", _arguments(options), records=result.get("registry_persons_matched"))
        result.setdefault("machine", machine())
        if options.get("json"):
            self.stdout.write(json.dumps(result, indent=2, default=str))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key:>28}: {value}")
