"""The ``zicht`` console command: Django's management commands with Zicht's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zicht.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "zicht"
    execute_from_command_line(argv)


if __name__ == "__main__":  # pragma: no cover
    main()
