"""Casework's retention: verwijsindex signals, registered with ``zicht.access.retention`` in
CaseworkConfig.ready(), and the registry persons a signal still holds."""

from __future__ import annotations

from zicht.access.retention import ANONYMISED, DateFieldRule, anonymise, register, register_person_hold
from zicht.registry.models import Person

from .verwijsindex.models import Signal


class SignalRule(DateFieldRule):
    """Verwijsindex signals: deleted two years after registration; the signal's own person is anonymised."""

    def __init__(self):
        super().__init__("casework.Signal", "datum", "signaal", "signaal_years", name="signalen")

    def apply(self, ids, today):
        person_ids = set(Signal._base_manager.filter(pk__in=ids).values_list("person_id", flat=True))
        deleted = super().apply(ids, today)
        orphans = (
            Person._base_manager.filter(pk__in=person_ids, parties__isnull=True, signals__isnull=True)
            .exclude(source_key__startswith=ANONYMISED)
            .values_list("pk", flat=True)
        )
        anonymise(Person, list(orphans), {"bsn_hash": "", "address": None}, key_field="source_key")
        return deleted


def persons_held_by_signals() -> set[int]:
    """A person named by a signal stays until the signal itself expires (``SignalRule``)."""
    return set(Signal._base_manager.values_list("person_id", flat=True))


def register_rules() -> None:
    register(SignalRule())
    register_person_hold("casework.signal", persons_held_by_signals)
