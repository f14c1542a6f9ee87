"""Linkage thresholds and training settings: ``linkage.toml`` in this app, overridable in settings.

Why a file and not constants: thresholds are a policy choice a privacy officer and the
ketenregisseur must be able to read and change (with the rationale in docs/linkage.md);
``settings.ZICHT_LINKAGE`` (a dict) overrides single keys per installation.
"""

from __future__ import annotations

import copy
import functools
import tomllib
from pathlib import Path

DEFAULTS_FILE = Path(__file__).with_name("linkage.toml")


@functools.lru_cache(maxsize=1)
def _file() -> dict:
    """The shipped file, parsed once per process (every arriving registration reads it)."""
    with DEFAULTS_FILE.open("rb") as fh:
        return tomllib.load(fh)


def load(overrides: dict | None = None) -> dict:
    cfg = copy.deepcopy(_file())
    if overrides is None:
        try:
            from django.conf import settings

            overrides = getattr(settings, "ZICHT_LINKAGE", None) if settings.configured else None
        except Exception:  # outside Django (benchmarks, pure tests)
            overrides = None
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key] = {**cfg[key], **value}
        else:
            cfg[key] = value
    if cfg["review_threshold"] > cfg["link_threshold"]:
        raise ValueError("review_threshold must not exceed link_threshold")
    return cfg
