"""The area's risk-factor profile for plan suggestions and witte vlekken: the gebiedscan's.

``zicht.areas.risk.area_risk_profile`` compares an area's public CBS key figures with its gemeente
(for a wijk) or the country (for a gemeente), with the factor and indicator catalogue of
``zicht.areas.risk_factors``. No registry data is used here, so no disclosure control is
needed for these figures; registry-based figures stay on the gebiedscan's own pages.
"""

from __future__ import annotations

from zicht.areas.risk import area_risk_profile


def risk_profile(area_code: str, year: int | None = None) -> tuple[list, str]:
    """(rows with a value, source label). Rows without a figure are dropped: missing is not 'not elevated'."""

    rows = [row for row in area_risk_profile(area_code, year) if row.value is not None]
    return rows, "gebiedscan"
