"""Labels of the pure domain modules (marked with ``N_``), translated where they are shown."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy


def translated(pairs) -> list[tuple[str, str]]:
    """(code, label) pairs with the label translated when rendered (model and form choices)."""
    return [(code, gettext_lazy(label)) for code, label in pairs]


def tr(label) -> str:
    """One label of a domain vocabulary in the active language (its Dutch msgid is marked N_)."""
    return gettext(label) if label else label


def tr_all(labels) -> list[str]:
    return [tr(label) for label in labels]
