"""The colour code of an address or household: a pure function of its registrations and a rule set.

Why a rule set in a file and not code: Hoogeveen's criteria are unknown, ours are co-designed
and contested (DASH, RiHG), so a region must be able to read, change and version them; every
colour must say which rule fired on which registrations, so a person can check it.
No Django imports: the views, ``zicht explain`` and ``zicht recolour`` feed it plain facts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from hashlib import sha256

from zicht.access.roles import N_

COLOURS = ("groen", "geel", "oranje", "rood")
COLOUR_LABELS = {"groen": N_("Groen"), "geel": N_("Geel"), "oranje": N_("Oranje"), "rood": N_("Rood")}
# The reasons the code itself gives (not a rule set's): their ids, as shown (the rule set's ids are shown as they are).
BUILT_IN_RULES = {"standaard": N_("standaard"), "geen-registraties": N_("geen-registraties")}
RANK = {colour: i for i, colour in enumerate(COLOURS)}
CONDITIONS = ("kenmerk", "aantal", "na_hulp", "stijgend")
FEATURES = ("lichamelijk", "psychisch", "seksueel", "verwaarlozing", "getuige", "letsel", "wapen", "huisverbod", "kinderen")


class RuleSetError(ValueError):
    """A rule-set file that cannot be used; the message names the rule, never data."""


@dataclass(frozen=True)
class ReportFact:
    """What the colour code may know of one registration (no names, no free text)."""

    id: int
    datum: date
    source: str
    soort: str = "incident"
    aard: str = "onbekend"
    vormen: tuple[str, ...] = ()
    kinderen: bool = False
    letsel: bool = False
    wapen: bool = False
    huisverbod: bool = False

    def features(self) -> frozenset[str]:
        # Derived from the fields only, so kept once computed (evaluate and work_items ask for it
        # per event, and a report counts for its address and each of its households).
        found = self.__dict__.get("_features")
        if found is None:
            flags = {name for name in ("kinderen", "letsel", "wapen", "huisverbod") if getattr(self, name)}
            found = self.__dict__["_features"] = frozenset(set(self.vormen) | flags)
        return found


@dataclass(frozen=True)
class HelpFact:
    """A help trajectory: recidive is a registration after one was closed."""

    id: int
    start: date
    end: date | None = None


@dataclass(frozen=True)
class Event:
    """One gebeurtenis: registrations of different sources within a few days describe the same event."""

    reports: tuple[ReportFact, ...]
    report_ids: tuple[int, ...] = ()
    feature_set: frozenset[str] = frozenset()

    @classmethod
    def of(cls, reports) -> Event:
        reports = tuple(reports)
        features: set[str] = set()
        for report in reports:
            features |= report.features()
        return cls(reports, tuple(r.id for r in reports), frozenset(features))

    @property
    def datum(self) -> date:
        return self.reports[0].datum

    @property
    def last_datum(self) -> date:
        return self.reports[-1].datum

    def features(self) -> frozenset[str]:
        return self.feature_set


@dataclass(frozen=True)
class Rule:
    id: str
    colour: str
    condition: str
    text: str
    window_days: int = 365
    min_events: int = 1
    features: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    version: str
    valid_from: date
    title: str
    rules: tuple[Rule, ...]
    default_colour: str
    default_text: str
    kinds: frozenset[str]
    exclude_aard: frozenset[str]
    same_event_days: int
    severity: dict = field(default_factory=dict)
    worklists: dict = field(default_factory=dict)
    sha256: str = ""


@dataclass(frozen=True)
class Reason:
    rule_id: str
    colour: str
    text: str
    report_ids: tuple[int, ...] = ()
    dates: tuple[date, ...] = ()

    def as_dict(self) -> dict:
        return {
            "rule": self.rule_id,
            "colour": self.colour,
            "text": self.text,
            "reports": list(self.report_ids),
            "dates": [d.isoformat() for d in self.dates],
        }


@dataclass(frozen=True)
class Evaluation:
    colour: str
    reasons: tuple[Reason, ...]
    ruleset_version: str
    events: int
    reports: int
    last_date: date | None


def parse_ruleset(text: str) -> RuleSet:
    """Read and validate a rule-set TOML text; a broken file fails loudly before it colours anything."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"Geen geldige TOML: {exc}") from exc
    meta = data.get("ruleset", {})
    if not meta.get("version") or not isinstance(meta.get("valid_from"), date):
        raise RuleSetError("[ruleset] heeft version en valid_from (datum) nodig")
    rules = []
    seen = set()
    for raw in data.get("rules", []):
        rule = Rule(
            id=str(raw.get("id", "")),
            colour=raw.get("colour", ""),
            condition=raw.get("condition", ""),
            text=raw.get("text", ""),
            window_days=int(raw.get("window_days", 365)),
            min_events=int(raw.get("min_events", 1)),
            features=tuple(raw.get("features", ())),
        )
        if not rule.id or rule.id in seen:
            raise RuleSetError(f"Regel zonder of met dubbel id: {rule.id!r}")
        seen.add(rule.id)
        if rule.colour not in RANK:
            raise RuleSetError(f"Regel {rule.id}: onbekende kleur {rule.colour!r}")
        if rule.condition not in CONDITIONS:
            raise RuleSetError(f"Regel {rule.id}: onbekende voorwaarde {rule.condition!r}")
        unknown = set(rule.features) - set(FEATURES)
        if unknown or (rule.condition == "kenmerk" and not rule.features):
            raise RuleSetError(f"Regel {rule.id}: kenmerken ontbreken of onbekend {sorted(unknown)}")
        if rule.window_days < 1 or rule.min_events < 1 or not rule.text:
            raise RuleSetError(f"Regel {rule.id}: window_days, min_events ≥ 1 en een tekst zijn verplicht")
        rules.append(rule)
    default = data.get("default", {})
    counting = data.get("counting", {})
    if default.get("colour", "groen") not in RANK:
        raise RuleSetError("[default] colour is geen kleur")
    return RuleSet(
        version=str(meta["version"]),
        valid_from=meta["valid_from"],
        title=meta.get("title", ""),
        rules=tuple(rules),
        default_colour=default.get("colour", "groen"),
        default_text=default.get("text", N_("Geen regel van toepassing")),
        kinds=frozenset(counting.get("kinds", ("incident", "melding", "advies"))),
        exclude_aard=frozenset(counting.get("exclude_aard", ())),
        same_event_days=int(counting.get("same_event_days", 0)),
        severity=dict(data.get("severity", {})),
        worklists=dict(data.get("worklists", {})),
        sha256=sha256(text.encode()).hexdigest(),
    )


def counted(reports, ruleset: RuleSet, today: date) -> list[ReportFact]:
    """The registrations that count: the right kinds, not 'geen HG/KM', not dated in the future."""
    return sorted(
        (r for r in reports if r.soort in ruleset.kinds and r.aard not in ruleset.exclude_aard and r.datum <= today),
        key=lambda r: (r.datum, r.id),
    )


def group_events(reports: list[ReportFact], same_event_days: int) -> list[Event]:
    """Join registrations of *different* sources within ``same_event_days`` of an event's first one."""
    events: list[list[ReportFact]] = []
    for report in reports:
        current = events[-1] if events else None
        if (
            current is not None
            and (report.datum - current[0].datum).days <= same_event_days
            and report.source not in {r.source for r in current}
        ):
            current.append(report)
        else:
            events.append([report])
    return [Event.of(group) for group in events]


def severity(event: Event, ruleset: RuleSet) -> int:
    weights = ruleset.severity
    base = int(weights.get("base", 1))
    return max([base] + [int(weights.get(f, 0)) for f in event.features()])


def _in_window(event: Event, today: date, window_days: int) -> bool:
    return event.last_datum >= today - timedelta(days=window_days)


class _Safe(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _fmt(text: str, **values) -> str:
    """Fill a reason text; an unknown placeholder stays visible instead of failing."""
    return text.format_map(_Safe(values))


def _reason(rule: Rule, events: list[Event], **values) -> Reason:
    ids = tuple(i for e in events for i in e.report_ids)
    dates = tuple(e.datum for e in events)
    return Reason(rule.id, rule.colour, _fmt(rule.text, n=len(events), min_events=rule.min_events, **values), ids, dates)


def after_closed_help(events: list[Event], help_trajectories) -> list[tuple[Event, HelpFact]]:
    """Events dated after the end of a closed help trajectory (the latest such trajectory per event)."""
    out = []
    closed = sorted((h for h in help_trajectories if h.end is not None), key=lambda h: h.end)
    for event in events:
        before = [h for h in closed if h.end < event.datum]
        if before:
            out.append((event, before[-1]))
    return out


def rising(events: list[Event], ruleset: RuleSet, min_previous: int) -> tuple[int, int] | None:
    """(score, previous max) when the last event is more severe than every earlier one in the list."""
    if len(events) < min_previous + 1:
        return None
    *previous, last = events
    score, prev_max = severity(last, ruleset), max(severity(e, ruleset) for e in previous)
    return (score, prev_max) if score > prev_max else None


def _fire(rule: Rule, events: list[Event], help_trajectories, ruleset: RuleSet, today: date, windows: dict) -> Reason | None:
    window = windows.get(rule.window_days)
    if window is None:
        window = windows[rule.window_days] = [e for e in events if _in_window(e, today, rule.window_days)]
    if rule.condition == "aantal":
        return _reason(rule, window) if len(window) >= rule.min_events else None
    if rule.condition == "kenmerk":
        hits = [e for e in window if e.features() & set(rule.features)]
        return _reason(rule, hits) if len(hits) >= rule.min_events else None
    if rule.condition == "na_hulp":
        hits = after_closed_help(window, help_trajectories)
        if len(hits) < rule.min_events:
            return None
        last_help = hits[-1][1]
        return _reason(rule, [e for e, _ in hits], hulp_einde=last_help.end.isoformat())
    if rule.condition == "stijgend":
        found = rising(window, ruleset, rule.min_events - 1)
        if not found:
            return None
        return _reason(rule, window, score=found[0], previous=found[1])
    raise RuleSetError(f"Regel {rule.id}: onbekende voorwaarde")


def evaluate(reports, ruleset: RuleSet, today: date, help_trajectories=()) -> Evaluation:
    """Colour and reasons for one address or household on ``today``.

    The colour is the highest colour of any rule that fires; every firing rule is a reason
    (highest colour first), so the explanation is complete, not just the deciding rule.
    """
    facts = counted(reports, ruleset, today)
    events = group_events(facts, ruleset.same_event_days)
    last = facts[-1].datum if facts else None
    windows: dict[int, list[Event]] = {}
    reasons = [r for rule in ruleset.rules if (r := _fire(rule, events, help_trajectories, ruleset, today, windows))] if events else []
    if not facts:
        reasons = [Reason("geen-registraties", ruleset.default_colour, N_("Geen meetellende registraties op dit adres of huishouden"))]
    elif not reasons:
        reasons = [
            Reason("standaard", ruleset.default_colour, ruleset.default_text, tuple(r.id for r in facts), tuple(e.datum for e in events))
        ]
    reasons.sort(key=lambda r: -RANK[r.colour])
    return Evaluation(
        colour=reasons[0].colour,
        reasons=tuple(reasons),
        ruleset_version=ruleset.version,
        events=len(events),
        reports=len(facts),
        last_date=last,
    )
