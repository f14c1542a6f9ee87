"""Translating labels that are defined as plain Dutch strings (issue 18).

Pure domain modules and data lists (``registry.vocab``, ``casework.domain``) mark their labels
with ``zicht.access.roles.N_`` so ``zicht makemessages`` extracts them, and stay free of Django.
Where the labels reach a page (form choices, model choices, tables) they are translated with
these helpers; stored codes never change.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy


def lazy_choices(choices) -> list:
    """``(code, label)`` pairs with each label translated when it is shown."""
    return [(code, gettext_lazy(label)) for code, label in choices]


def translated(labels: dict) -> dict:
    """A ``{code: label}`` dict with each label translated into the active language."""
    return {code: label(text) for code, text in labels.items()}


def label(text: str) -> str:
    """One marked label (``N_``) translated into the active language; empty stays empty."""
    return gettext(text) if text else text
