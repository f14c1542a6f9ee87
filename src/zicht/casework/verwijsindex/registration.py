"""Registering verwijsindex signals and keeping their matches up to date.

The signal's person is stored in the registry, its address found or created by the registry's
``register.address_for``, and the person linked by ``zicht.linkage.services.link_registered_person``
(the engine's single-record matcher, then an exact BSN or name + date of birth match where the
engine found no one). This module only writes signals and matches.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from zicht.core.crypto import bsn_hash
from zicht.linkage.models import HouseholdMember
from zicht.linkage.services import link_registered_person
from zicht.registry.models import Person
from zicht.registry.register import address_for

from ..domain.stacking import SignalFact, expiry_date, find_matches, is_adult_signal
from ..domain.subjects import subject_key
from ..rulesets import stacking_rules
from .models import Signal, SignalMatch


@transaction.atomic
def register_signal(*, user, organisation, data: dict, today: date | None = None) -> Signal:
    """Store the person (encrypted), link it, store the signal and refresh its matches."""
    rules = stacking_rules()
    today = today or timezone.localdate()
    birth = data["geboortedatum"]
    person = Person.objects.create(
        source=organisation,
        source_key=f"signaal:{uuid.uuid4().hex}",
        bsn_hash=bsn_hash(data["bsn"]) if data.get("bsn") else "",
        voornamen=data["voornamen"],
        tussenvoegsel=data.get("tussenvoegsel", ""),
        achternaam=data["achternaam"],
        geboortedatum=birth.isoformat(),
        address=address_for(data.get("postcode", ""), data.get("huisnummer"), data.get("toevoeging", "")),
    )
    linked, method = link_registered_person(person)
    datum = data.get("datum") or today
    signal = Signal.objects.create(
        organisation=organisation,
        registered_by=user,
        contact_naam=data["contact_naam"],
        contact_telefoon=data["contact_telefoon"],
        contact_email=data.get("contact_email", ""),
        datum=datum,
        categorie=data.get("categorie", ""),
        person=person,
        linked_person=linked,
        link_method=method,
        expires_on=expiry_date(datum, birth, rules),
        legal_basis=rules.adult_legal_basis if is_adult_signal(birth, datum, rules) else "",
    )
    refresh_matches([linked.pk] if linked else [], today=today)
    return signal


@transaction.atomic
def withdraw_signal(signal: Signal, *, user, reason: str, today: date | None = None) -> None:
    signal.withdrawn_on = today or timezone.localdate()
    signal.withdrawn_reason = reason
    signal.withdrawn_by = user
    signal.save(update_fields=["withdrawn_on", "withdrawn_reason", "withdrawn_by"])
    refresh_matches([signal.linked_person_id] if signal.linked_person_id else [], today=today)


def _households_of(linked_ids, today: date) -> dict[int, set[int]]:
    out: dict[int, set[int]] = defaultdict(set)
    rows = HouseholdMember.objects.filter(linked_person_id__in=linked_ids).filter(Q(until__isnull=True) | Q(until__gte=today))
    for lp, hh in rows.values_list("linked_person_id", "household_id"):
        out[lp].add(hh)
    return out


def refresh_matches(linked_ids=None, today: date | None = None) -> dict:
    """Recompute matches around the given linked persons (their households included), or everywhere."""
    rules = stacking_rules()
    today = today or timezone.localdate()
    if linked_ids is None:
        sync_links()
        linked_ids = set(Signal.objects.filter(linked_person__isnull=False).values_list("linked_person_id", flat=True))
    linked_ids = set(linked_ids)
    households = _households_of(linked_ids, today)
    hh_ids = {h for hs in households.values() for h in hs}
    members = set(
        HouseholdMember.objects.filter(household_id__in=hh_ids)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .values_list("linked_person_id", flat=True)
    )
    scope = linked_ids | members
    households = _households_of(scope, today)
    signals = list(Signal.objects.filter(linked_person_id__in=scope))
    facts = [
        SignalFact(
            s.id,
            s.organisation_id,
            s.datum,
            s.linked_person_id,
            frozenset(households.get(s.linked_person_id, ())),
            s.withdrawn_on,
            None,
            s.expires_on,
        )
        for s in signals
    ]
    found = {subject_key(m.level, m.subject_id): m for m in find_matches(facts, today, rules)}
    keys_in_scope = {subject_key("persoon", lp) for lp in scope} | {subject_key("huishouden", h) for hs in households.values() for h in hs}
    active = {m.subject_key: m for m in SignalMatch.objects.filter(subject_key__in=keys_in_scope, ended_at__isnull=True)}
    stats = {"created": 0, "updated": 0, "ended": 0}
    now = timezone.now()
    with transaction.atomic():
        for key, match in found.items():
            row = active.get(key)
            if row is None:
                row = SignalMatch.objects.create(
                    level=match.level,
                    subject_key=key,
                    linked_person_id=match.subject_id if match.level == "persoon" else None,
                    household_id=match.subject_id if match.level == "huishouden" else None,
                )
                stats["created"] += 1
            else:
                before = set(row.organisations.values_list("id", flat=True))
                if before != set(match.organisation_ids):
                    row.status = "nieuw"  # a new organisation joined: the coordinator looks again
                    row.save(update_fields=["status", "updated_at"])
                    stats["updated"] += 1
            row.signals.set(match.signal_ids)
            row.organisations.set(match.organisation_ids)
        for key, row in active.items():
            if key not in found:
                row.ended_at = now
                row.save(update_fields=["ended_at", "updated_at"])
                stats["ended"] += 1
    return stats


def sync_links() -> int:
    """Follow the linkage engine: a signal matches on its person's current linked person.

    A signal linked by the exact-name fallback keeps that link while the engine still calls its
    person unlinked ('single'); once the engine links the person, the engine wins.
    """
    changed = 0
    stale = (
        Signal.objects.filter(person__link__isnull=False)
        .exclude(linked_person_id=models.F("person__link__linked_person_id"))
        .exclude(link_method="naam_geboortedatum", person__link__method="single")
        .select_related("person__link")
    )
    for signal in stale:
        signal.linked_person_id = signal.person.link.linked_person_id
        signal.link_method = "koppeling"
        signal.save(update_fields=["linked_person", "link_method"])
        changed += 1
    return changed


def counterpart_contacts(signal: Signal) -> list[dict]:
    """What a professional may learn from a match: the other organisations and whom to call. Nothing else."""
    out, seen = [], set()
    for match in signal.matches.filter(ended_at__isnull=True):
        others = match.signals.active(timezone.localdate()).exclude(organisation_id=signal.organisation_id).select_related("organisation")
        for other in others:
            key = (other.organisation_id, other.contact_naam, other.contact_telefoon)
            if key in seen:
                continue
            seen.add(key)
            out.append(contact_of(other, match))
    return out


def contact_of(signal: Signal, match: SignalMatch) -> dict:
    """The part of a matched signal another professional may see: organisation and whom to call."""
    return {
        "organisatie": signal.organisation.naam,
        "contact_naam": signal.contact_naam or signal.organisation.contact_naam,
        "contact_telefoon": signal.contact_telefoon or signal.organisation.contact_telefoon,
        "contact_email": signal.contact_email or signal.organisation.contact_email,
        "niveau": match.get_level_display(),
    }


__all__ = ["register_signal", "withdraw_signal", "refresh_matches", "counterpart_contacts", "contact_of"]
