"""Registering verwijsindex signals, linking them to persons, and keeping matches up to date.

Linking: a signal's person goes through the linkage engine's single-record matcher
(``link_person``) exactly as a report's person would. Where the engine is absent or finds no one
(e.g. before its first batch run), a documented fallback links on the keyed BSN hash, else on
exact name + date of birth among persons at the same address and persons of earlier signals
(names are encrypted, so they cannot be searched in SQL).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from zicht.core.crypto import bsn_hash
from zicht.linkage.models import HouseholdMember, LinkedPerson, PersonLink
from zicht.registry.domain.address import address_key, normalise_postcode, normalise_toevoeging
from zicht.registry.models import Address, AddressRegisterEntry, Person

from .domain.stacking import SignalFact, expiry_date, find_matches, is_adult_signal
from .models import Signal, SignalMatch
from .rulesets import stacking_rules


def _norm(value: str | None) -> str:
    return " ".join((value or "").lower().split())


def address_for(postcode: str, huisnummer: int | None, toevoeging: str = "") -> Address | None:
    """The canonical address for PC6 + number, created (with its buurt when known) if new."""
    if not postcode or not huisnummer:
        return None
    postcode = normalise_postcode(postcode)
    toevoeging = normalise_toevoeging(toevoeging or "")
    key = address_key(postcode, int(huisnummer), toevoeging)
    address = Address.objects.filter(key=key).first()
    if address:
        return address
    entry = AddressRegisterEntry.objects.filter(postcode=postcode, huisnummer=huisnummer, toevoeging=toevoeging).first()
    return Address.objects.create(
        key=key,
        postcode=postcode,
        huisnummer=huisnummer,
        toevoeging=toevoeging,
        straat=entry.straat if entry else "",
        woonplaats=entry.woonplaats if entry else "",
        buurt_id=entry.buurt_id if entry else None,
    )


def _exact_match(person: Person) -> tuple[LinkedPerson | None, str]:
    """Exact BSN hash, else exact name + date of birth among persons at the address and of earlier signals."""
    if person.bsn_hash:
        link = PersonLink.objects.filter(person__bsn_hash=person.bsn_hash).exclude(person=person).select_related("linked_person").first()
        if link:
            return link.linked_person, "bsn"
    wanted = (_norm(person.voornamen), _norm(person.tussenvoegsel), _norm(person.achternaam), person.geboortedatum)
    scope = Q(signals__isnull=False)
    if person.address_id:
        scope |= Q(address_id=person.address_id)
    for other in Person.objects.filter(link__isnull=False).exclude(pk=person.pk).filter(scope).select_related("link").distinct():
        if (_norm(other.voornamen), _norm(other.tussenvoegsel), _norm(other.achternaam), other.geboortedatum) == wanted:
            return other.link.linked_person, "naam_geboortedatum"
    return None, ""


def _engine():
    """The linkage engine's single-record matcher, if this build has one."""
    for module in ("zicht.linkage.incremental", "zicht.linkage.services"):
        try:
            return getattr(__import__(module, fromlist=["link_person"]), "link_person")
        except (ImportError, AttributeError):
            continue
    return None


def link_signal_person(person: Person) -> tuple[LinkedPerson | None, str]:
    """Link through the engine; where it finds no one (e.g. before its first batch run), try an exact match.

    An exact name match is used for the signal only, never written to PersonLink: merging
    clusters is for the linkage engine and its review queue to decide.
    """
    link_person = _engine()
    if link_person is not None:
        try:
            link_person(person)
        except Exception:  # no trained model yet, or an engine error: fall back, never lose the signal
            pass
        link = PersonLink.objects.filter(person=person).select_related("linked_person").first()
        if link and link.method != "single":
            return link.linked_person, "koppeling"
        if link:
            exact, how = _exact_match(person)
            return (exact, how) if exact else (link.linked_person, "nieuw")
    exact, how = _exact_match(person)
    if exact and how == "bsn":
        PersonLink.objects.create(person=person, linked_person=exact, method="bsn")
        return exact, how
    if exact:
        return exact, how
    linked = LinkedPerson.objects.create()
    PersonLink.objects.create(person=person, linked_person=linked, method="single")
    return linked, "nieuw"


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
    linked, method = link_signal_person(person)
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
    members = set(HouseholdMember.objects.filter(household_id__in=hh_ids).filter(Q(until__isnull=True) | Q(until__gte=today)).values_list("linked_person_id", flat=True))
    scope = linked_ids | members
    households = _households_of(scope, today)
    signals = list(Signal.objects.filter(linked_person_id__in=scope))
    facts = [
        SignalFact(s.id, s.organisation_id, s.datum, s.linked_person_id, frozenset(households.get(s.linked_person_id, ())), s.withdrawn_on, None, s.expires_on)
        for s in signals
    ]
    found = {subject_key_for(m.level, m.subject_id): m for m in find_matches(facts, today, rules)}
    keys_in_scope = {subject_key_for("persoon", lp) for lp in scope} | {subject_key_for("huishouden", h) for hs in households.values() for h in hs}
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


def subject_key_for(level: str, pk: int) -> str:
    return f"{level}:{pk}"


def counterpart_contacts(signal: Signal) -> list[dict]:
    """What a professional may learn from a match: the other organisations and whom to call. Nothing else."""
    out, seen = [], set()
    for match in signal.matches.filter(ended_at__isnull=True):
        others = (
            match.signals.exclude(organisation_id=signal.organisation_id)
            .filter(withdrawn_on__isnull=True, expires_on__gt=timezone.localdate())
            .select_related("organisation")
        )
        for other in others:
            key = (other.organisation_id, other.contact_naam, other.contact_telefoon)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                {
                    "organisatie": other.organisation.naam,
                    "contact_naam": other.contact_naam or other.organisation.contact_naam,
                    "contact_telefoon": other.contact_telefoon or other.organisation.contact_telefoon,
                    "contact_email": other.contact_email or other.organisation.contact_email,
                    "niveau": match.get_level_display(),
                }
            )
    return out


__all__ = ["register_signal", "withdraw_signal", "refresh_matches", "counterpart_contacts", "address_for"]
