"""Synthetic burgerservicenummers that pass the 11-proef.

The importer and the linkage treat a BSN that fails the 11-proef as a data error, so the
generator only ever emits valid ones (or none at all): a wrong BSN is never a noise kind.
"""

from __future__ import annotations

import random

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(value: str) -> bool:
    """The 11-proef: sum of digit*weight (9..2, last -1) divisible by 11, not all zeros."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    return sum(int(d) * w for d, w in zip(value, _WEIGHTS)) % 11 == 0


def check_digit(first8: str) -> int | None:
    """The ninth digit that makes `first8` valid, or None when no digit does (remainder 10)."""
    total = sum(int(d) * w for d, w in zip(first8, _WEIGHTS[:8])) % 11
    return None if total == 10 else total


def make_bsn(rng: random.Random, used: set[str] | None = None) -> str:
    """A fresh valid BSN; `used` (if given) guarantees uniqueness within one run."""
    while True:
        first8 = f"{rng.randrange(10_000_000, 40_000_000):08d}"
        digit = check_digit(first8)
        if digit is None:
            continue
        bsn = first8 + str(digit)
        if used is not None:
            if bsn in used:
                continue
            used.add(bsn)
        return bsn
