"""The key a casework row stores for what it is about (pure: no Django).

One format for every part: ``<kind>:<id>`` — ``address:12`` and ``household:3`` for colour results
and worklist items, ``persoon:7`` and ``huishouden:3`` for signal matches.
"""

from __future__ import annotations


def subject_key(kind: str, pk) -> str:
    return f"{kind}:{pk}"
