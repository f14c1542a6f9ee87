"""The JSON face of a disclosure-controlled figure (``zicht.areas.disclosure.Cell``).

Pure: a cell is turned into ``{waarde, status, weergave, reden, soort}``. Only the *published*
value leaves Zicht (a suppressed cell has ``waarde: null``); the raw count never exists on a
Cell in the first place, so nothing here can leak it.
"""

from __future__ import annotations

KINDS = {"count": "aantal", "percentage": "percentage", "rate": "per1000", "cbs": "cbs", "score": "score"}


def cell_json(cell) -> dict | None:
    """``None`` for an absent cell; a published value as int when it is whole (counts), else float."""
    if cell is None:
        return None
    value = cell.value
    if isinstance(value, float) and value.is_integer() and cell.kind in ("count",):
        value = int(value)
    return {
        "waarde": value,
        "status": cell.status,
        "weergave": cell.display,
        "reden": cell.reason,
        "soort": KINDS.get(cell.kind, cell.kind),
    }
