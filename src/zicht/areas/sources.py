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


# --- ends of help trajectories (casework), for recidive after help ----------------------


@dataclass(frozen=True)
class TrajectoryEnd:
    address_id: int | None
    household_id: int | None
    einde: object  # datetime.date


_trajectory_ends: Callable[[str], list[TrajectoryEnd]] | None = None


def register_trajectory_ends(source: Callable[[str], list[TrajectoryEnd]] | None) -> None:
    """``source(gemeente_code)``: the closed help trajectories (address or household, end date)."""
    global _trajectory_ends
    _trajectory_ends = source


def trajectory_ends(gemeente_code: str) -> list[TrajectoryEnd] | None:
    """None when no source is registered (recidive after help is then left out)."""
    return _trajectory_ends(gemeente_code) if _trajectory_ends is not None else None
