"""Where the rule sets live and which one applies today.

A rule set is a TOML file ``kleurcode-<version>.toml`` in the rules directory (the package's
``rules/`` by default; ``ZICHT_CASEWORK_RULES_DIR`` or ``settings.CASEWORK_RULES_DIR`` points
elsewhere so a functioneel beheerder can add a version without a release). The version in force
is the one with the latest ``valid_from`` on or before today.
"""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

from .domain.colour import RuleSet, RuleSetError, parse_ruleset
from .domain.stacking import StackingRules, parse_rules

PACKAGE_RULES = Path(__file__).resolve().parent / "rules"


def rules_dir() -> Path:
    configured = os.environ.get("ZICHT_CASEWORK_RULES_DIR")
    if not configured:
        try:
            from django.conf import settings

            configured = getattr(settings, "CASEWORK_RULES_DIR", None)
        except Exception:  # settings not configured (pure use)
            configured = None
    return Path(configured) if configured else PACKAGE_RULES


@lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> RuleSet:
    return parse_ruleset(Path(path).read_text(encoding="utf-8"))


def all_rulesets() -> list[RuleSet]:
    """Every colour rule set in the directory, oldest first."""
    found = []
    for path in sorted(rules_dir().glob("kleurcode-*.toml")):
        try:
            found.append(_load(str(path), path.stat().st_mtime))
        except RuleSetError as exc:
            raise RuleSetError(f"{path.name}: {exc}") from exc
    versions = [r.version for r in found]
    if len(set(versions)) != len(versions):
        raise RuleSetError("Twee regelsetbestanden met dezelfde versie")
    return sorted(found, key=lambda r: (r.valid_from, r.version))


def current_ruleset(today: date | None = None) -> RuleSet:
    today = today or date.today()
    valid = [r for r in all_rulesets() if r.valid_from <= today]
    if not valid:
        raise RuleSetError(f"Geen kleurcode-regelset geldig op {today.isoformat()} in {rules_dir()}")
    return valid[-1]


def ruleset_by_version(version: str) -> RuleSet:
    for ruleset in all_rulesets():
        if ruleset.version == version:
            return ruleset
    raise RuleSetError(f"Regelset {version!r} bestaat niet")


def stacking_rules() -> StackingRules:
    path = rules_dir() / "verwijsindex.toml"
    if not path.exists():
        path = PACKAGE_RULES / "verwijsindex.toml"
    return parse_rules(path.read_text(encoding="utf-8"))
