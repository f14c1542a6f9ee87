"""Which catalogue interventions to suggest for an area, from its risk-factor profile, with a reason.

Rule: a factor that is elevated in the area (wijk above gemeente, as the gebiedscan decides) calls
for interventions that address that factor (or a factor the seeds treat as the same, see
``RiskFactor.related``) with a prevention type that seed 000 gives for the factor. An intervention
whose type is unknown is still suggested, lower, with that said in the reason; one whose known types
all differ is not. Ranking: more elevated factors covered first, then stronger erkenning, then a
current erkenning before an outdated one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from zicht.areas.risk_factors import INDICATORS, PREVENTION_TYPE_LABELS, RISK_FACTORS, factor

from . import bouwstenen as bs
from .catalogue import ERKENNING_RANK, erkenning_outdated, parse_erkenningsdatum


class Signal(Protocol):
    """What the gebiedscan gives per factor and indicator (``zicht.areas.risk.RiskFactorScore``)."""

    factor: str
    elevated: bool | None


@dataclass
class FactorSignal:
    """A minimal Signal for tests and for callers without figures."""

    factor: str
    elevated: bool | None
    indicator: str = ""
    value: float | None = None
    gemeente_value: float | None = None
    national_value: float | None = None
    label: str = ""


@dataclass
class Suggestion:
    slug: str
    naam: str
    score: int
    factors: list[str]
    prevention_types: list[str]
    policy_frameworks: list[str]
    reasons: list[str] = field(default_factory=list)
    type_unknown: bool = False
    outdated: bool = False


def format_number(value: float | None, unit: str = "") -> str:
    """Dutch notation, one decimal: 13.0 → '13,0%'. Missing → 'onbekend'."""
    if value is None:
        return "onbekend"
    text = f"{value:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def describe_signal(area_name: str, s) -> str:
    """'Korvel: huishoudens met een laag inkomen 13,0% vs gemeente 9,7%'."""
    key = getattr(s, "indicator", "") or ""
    ind = INDICATORS.get(key)
    unit = ind.unit if ind else ""
    name = ind.label if ind else (getattr(s, "label", "") or factor(s.factor).label)
    value = getattr(s, "value", None)
    if value is None and not key:
        return f"{area_name}: {factor(s.factor).label.lower()} verhoogd"
    text = f"{area_name}: {name} {format_number(value, unit)}"
    gem = getattr(s, "gemeente_value", None)
    if gem is not None:
        text += f" vs gemeente {format_number(gem, unit)}"
    return text


def elevated_factors(signals: Iterable) -> dict[str, list]:
    """Factor code → its elevated signals, in first-seen order."""
    out: dict[str, list] = {}
    for s in signals:
        if getattr(s, "elevated", None) and s.factor in RISK_FACTORS:
            out.setdefault(s.factor, []).append(s)
    return out


def suggest(signals: Iterable, catalogue: Iterable[dict], *, area_name: str, today: date, limit: int = 12) -> list[Suggestion]:
    """Suggestions for the elevated factors in ``signals`` from ``catalogue`` entries (dicts)."""
    elevated = elevated_factors(signals)
    by_slug: dict[str, Suggestion] = {}
    for code, sigs in elevated.items():
        f = factor(code)
        targets = {code, *f.related}
        for entry in catalogue:
            if not targets & set(entry.get("risicofactoren", [])):
                continue
            entry_types = list(entry.get("preventietypes", []))
            shared = [t for t in f.prevention_types if t in entry_types]
            if entry_types and not shared:
                continue  # a different kind of prevention than this factor calls for
            sug = by_slug.get(entry["slug"])
            if sug is None:
                erk = parse_erkenningsdatum(entry.get("erkenningsdatum", ""))
                sug = Suggestion(
                    slug=entry["slug"],
                    naam=entry["naam"],
                    score=0,
                    factors=[],
                    prevention_types=[],
                    policy_frameworks=[],
                    outdated=erkenning_outdated(erk, today),
                )
                sug.score += 2 * ERKENNING_RANK.get(entry.get("erkenningsniveau", "onbekend"), 0)
                sug.score -= 1 if sug.outdated else 0
                by_slug[entry["slug"]] = sug
            sug.factors.append(code)
            sug.score += 10 + (1 if shared else 0)
            sug.type_unknown = sug.type_unknown or not entry_types
            for t in shared:
                if t not in sug.prevention_types:
                    sug.prevention_types.append(t)
            for fw in f.policy_frameworks:
                if fw not in sug.policy_frameworks:
                    sug.policy_frameworks.append(fw)
            type_text = ", ".join(PREVENTION_TYPE_LABELS[t] for t in shared) or "preventietype onbekend"
            fw_text = ", ".join(f.policy_framework_labels) or "geen beleidskader in de bron"
            evidence = "; ".join(describe_signal(area_name, s) for s in sigs)
            sug.reasons.append(f"{evidence} → {type_text}, {fw_text} → {entry['naam']}")
    ranked = sorted(by_slug.values(), key=lambda s: (-s.score, s.naam.lower()))
    return ranked[:limit] if limit else ranked


def uncovered_factors(signals: Iterable, catalogue: Iterable[dict]) -> list[str]:
    """Elevated factors for which the catalogue has nothing: a gap in the catalogue itself."""
    catalogue = list(catalogue)
    missing = []
    for code in elevated_factors(signals):
        targets = {code, *factor(code).related}
        if not any(targets & set(e.get("risicofactoren", [])) for e in catalogue):
            missing.append(code)
    return missing


def bouwstenen_for_signals(signals: Iterable) -> list[str]:
    return bs.bouwstenen_for_factors(list(elevated_factors(signals)))
