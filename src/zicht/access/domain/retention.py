"""Retention terms as plain rules (no Django): when does a record expire?

Sources (docs/domain-brief §5, §7): a verwijsindex signal is removed at the latest two years
after it was registered (Jeugdwet art. 7.1.4.5); a jeugdhulp dossier is kept twenty years
(since 2020; fifteen before). The registry term is configurable per Veilig Thuis region
because regions agree it in their convenant; the default is twenty years after the last
report at the address (the casus), so one new report keeps the whole history of a family.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from zicht.core.dates import add_years


def expires_on(anchor: dt.date, years: int) -> dt.date:
    return add_years(anchor, years)


def is_expired(anchor: dt.date | None, years: int, today: dt.date) -> bool:
    """Expired from the day the term has run (anchor + years), inclusive. No anchor: never."""
    if anchor is None:
        return False
    if years < 0:
        raise ValueError("A retention term cannot be negative")
    return today >= expires_on(anchor, years)


def registry_term(region: str | None, default_years: int, per_region: Mapping[str, int]) -> int:
    """The registry term for a Veilig Thuis region (case-insensitive), else the default."""
    if region:
        for name, years in per_region.items():
            if name.strip().lower() == region.strip().lower():
                return int(years)
    return int(default_years)


def casus_anchor(own_date: dt.date, last_at_address: dt.date | None) -> dt.date:
    """A report's retention anchor: the last report at the same address, or its own date."""
    if last_at_address is None:
        return own_date
    return max(own_date, last_at_address)
