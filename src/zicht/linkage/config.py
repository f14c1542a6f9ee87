"""Linkage thresholds and training settings: ``linkage.toml`` in this app, overridable in settings.

Why a file and not constants: thresholds are a policy choice a privacy officer and the
ketenregisseur must be able to read and change (with the rationale in docs/linkage.md);
``settings.ZICHT_LINKAGE`` (a dict) overrides single keys per installation.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

DEFAULTS_FILE = Path(__file__).with_name("linkage.toml")


def load(overrides: dict | None = None) -> dict:
    with DEFAULTS_FILE.open("rb") as fh:
        cfg = tomllib.load(fh)
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
