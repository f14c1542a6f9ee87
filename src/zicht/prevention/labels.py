"""Labels of the pure domain modules (marked with ``N_``), translated where they are shown: the
names prevention's forms and templates use for ``zicht.core.i18n``'s helpers."""

from __future__ import annotations

from zicht.core.i18n import label as tr
from zicht.core.i18n import lazy_choices as translated

__all__ = ["tr", "tr_all", "translated"]


def tr_all(labels) -> list[str]:
    return [tr(text) for text in labels]
