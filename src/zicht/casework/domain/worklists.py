"""Repeat and escalation worklists: which recent events need the ketenregisseur's attention, and why.

Pure: the same facts as the colour code in, work items with their evidence out. Each item is
keyed by (kind, first registration of the triggering event), so running it again after every
import never duplicates an item the ketenregisseur already handled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from zicht.access.roles import N_, dutch

from .colour import RuleSet, after_closed_help, counted, evaluate, group_events, rising

KINDS = [
    ("recidive", N_("Recidive na hulp")),
    ("escalatie", N_("Escalatie")),
    ("stijgende_ernst", N_("Stijgende ernst")),
    ("nieuw_op_kleur", N_("Nieuwe registratie op oranje/rood adres")),
]


@dataclass(frozen=True)
class WorkItem:
    kind: str
    trigger_report_id: int
    trigger_date: date
    text: str
    evidence: dict


# What a work item says, per kind: a Dutch message with the item's numbers. The sentence is stored
# with the item (``WorklistItem.text``, as it was when found) and its numbers in the evidence
# (``tekst``), so a page can say it in the reader's language (``shown_text``).
TEXTS = {
    "recidive": N_("Nieuwe registratie op %(datum)s, na hulptraject afgesloten op %(hulp_einde)s"),
    "escalatie": N_("%(n)s gebeurtenissen binnen %(dagen)s dagen (drempel %(drempel)s)"),
    "stijgende_ernst": N_("Ernst stijgt: score %(score)s tegen eerder hoogstens %(eerder)s"),
    "nieuw_op_kleur": N_("Nieuwe registratie op %(datum)s; kleur daarvoor was %(kleur)s"),
}


def describe(kind: str, params: dict, tr=dutch) -> str:
    """The item's sentence; ``tr`` is the page's gettext (Dutch without it, as stored)."""
    return tr(TEXTS[kind]) % {k: tr(v) if k == "kleur" else v for k, v in params.items()}


def shown_text(kind: str, text: str, evidence, tr) -> str:
    """A stored item in the reader's language: from its numbers when it has them (items found
    before the numbers were kept show their stored sentence)."""
    params = evidence.get("tekst") if isinstance(evidence, dict) else None
    return describe(kind, params, tr) if params and kind in TEXTS else text


def _item(kind: str, trigger, datum, params: dict, evidence: dict) -> WorkItem:
    return WorkItem(kind, trigger.id, datum, describe(kind, params), {**evidence, "tekst": params})


def _settings(ruleset: RuleSet) -> dict:
    w = ruleset.worklists
    return {
        "window_days": int(w.get("window_days", 90)),
        "escalation_min_events": int(w.get("escalation_min_events", 3)),
        "escalation_window_days": int(w.get("escalation_window_days", 365)),
        "rising_min_previous": int(w.get("rising_min_previous", 1)),
    }


def work_items(reports, ruleset: RuleSet, today: date, help_trajectories=()) -> list[WorkItem]:
    """All work items for one address or household for events in the worklist window."""
    cfg = _settings(ruleset)
    facts = counted(reports, ruleset, today)
    recent_from = today - timedelta(days=cfg["window_days"])
    if not facts or facts[-1].datum < recent_from:
        return []  # no event can start in the window: most subjects of a nightly run (no grouping needed)
    events = group_events(facts, ruleset.same_event_days)
    items: list[WorkItem] = []
    for index, event in enumerate(events):
        if event.datum < recent_from:
            continue
        trigger = event.reports[0]
        ids = list(event.report_ids)
        # 1. recidive: the event comes after a closed help trajectory
        hit = after_closed_help([event], help_trajectories)
        if hit:
            help_ = hit[0][1]
            items.append(
                _item(
                    "recidive",
                    trigger,
                    event.datum,
                    {"datum": f"{event.datum:%d-%m-%Y}", "hulp_einde": f"{help_.end:%d-%m-%Y}"},
                    {"reports": ids, "hulptraject": help_.id, "hulp_einde": help_.end.isoformat()},
                )
            )
        # 2. escalation: enough events in the window ending at this event
        window_from = event.datum - timedelta(days=cfg["escalation_window_days"])
        upto = [e for e in events[: index + 1] if e.datum >= window_from]
        if len(upto) >= cfg["escalation_min_events"]:
            items.append(
                _item(
                    "escalatie",
                    trigger,
                    event.datum,
                    {"n": len(upto), "dagen": cfg["escalation_window_days"], "drempel": cfg["escalation_min_events"]},
                    {"reports": [i for e in upto for i in e.report_ids], "dates": [e.datum.isoformat() for e in upto]},
                )
            )
        # 3. rising severity against the earlier events in the same window
        found = rising(upto, ruleset, cfg["rising_min_previous"])
        if found:
            items.append(
                _item(
                    "stijgende_ernst",
                    trigger,
                    event.datum,
                    {"score": found[0], "eerder": found[1]},
                    {"reports": [i for e in upto for i in e.report_ids], "score": found[0], "previous": found[1]},
                )
            )
        # 4. a new event on an address that was already oranje or rood the day before
        earlier = [r for e in events[:index] for r in e.reports]
        if earlier:
            before = evaluate(earlier, ruleset, event.datum - timedelta(days=1), help_trajectories)
            if before.colour in ("oranje", "rood"):
                items.append(
                    _item(
                        "nieuw_op_kleur",
                        trigger,
                        event.datum,
                        {"datum": f"{event.datum:%d-%m-%Y}", "kleur": before.colour},
                        {"reports": ids, "colour_before": before.colour, "reasons_before": [r.rule_id for r in before.reasons]},
                    )
                )
    return items
