"""Hooks through which apps above linkage take part in its decisions, without linkage naming their models.

Review priority (``priority.URGENT``): a linked person is urgent when an app above says so — casework
for a current oranje or rood colour code at the person's address or household, or an active
verwijsindex signal. Each such app registers one function ``among -> set of linked person ids`` in its
``AppConfig.ready()``; ``among`` is None for all linked persons, else the ids to consider.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

UrgentSource = Callable[[set[int] | None], Iterable[int]]

_URGENT: dict[str, UrgentSource] = {}


def register_urgent_persons(name: str, source: UrgentSource) -> None:
    """Add (or replace: ``ready()`` may run twice) the source called ``name``."""
    _URGENT[name] = source


def urgent_linked_persons(among: set[int] | None = None) -> set[int]:
    """The union of every registered source; empty while no app registered one."""
    found: set[int] = set()
    for source in _URGENT.values():
        found.update(source(among))
    if among is not None:
        found &= among
    return found
