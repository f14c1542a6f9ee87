"""Figures the gebiedscan shows but a sibling app computes: the colour codes of casework.

``areas`` and ``casework`` are independent siblings in the layers (CONTRIBUTING.md, "Layers"):
neither imports the other. The top app (``zicht.site``) registers casework's counts here in its
``ready()``; without a registered source the gebiedscan leaves the colour tables out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ColourSource:
    colours: tuple[str, ...]  # in order, e.g. ("groen", "geel", "oranje", "rood")
    labels: dict[str, str]  # colour -> Dutch column label
    counts: Callable[[str], dict[str, dict[str, int]]]  # area level -> {area code: {colour: n}}
    version: Callable[[], object]  # changes when the counts change (part of the page cache key)


_colour_source: ColourSource | None = None


def register_colour_source(source: ColourSource | None) -> None:
    global _colour_source
    _colour_source = source


def colour_source() -> ColourSource | None:
    return _colour_source
