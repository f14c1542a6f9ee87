"""Registry and CBS figures per year for one area (gemeente or wijk), for plan indicators.

Every registry figure is read from the same controlled cells the gebiedscan publishes (the
canonical year figures of ``figures.canonical``) or from ``recidive``; nothing new is counted
here, so an indicator on a plan never shows a number the gebiedscan would not.
"""

from __future__ import annotations

from zicht.geo.models import Kerncijfer

from .data import cube_for, population, wijken_of
from .disclosure import Cell, Policy, percentage, rate
from .figures import canonical, period_for
from .recidive import load_episodes, twelve_month_rate
from .tables import cbs_cell

REGISTER_FIGURES = {
    "meldingen": ("Meldingen (aantal per jaar)", "aantal"),
    "per1000": ("Meldingen per 1.000 inwoners", "per 1.000 inwoners"),
    "kinderen": ("Aandeel meldingen met kinderen in het gezin", "%"),
    "recidive12": ("Recidive: adressen met een nieuwe registratie binnen 12 maanden (per jaar van de eerste)", "%"),
}


def register_series(figure: str, gemeente_code: str, wijk_code: str | None, policy: Policy) -> list[tuple[str, Cell]]:
    """[(year, Cell)] for every year in the data, oldest first."""
    if figure not in REGISTER_FIGURES:
        raise ValueError("unknown registry figure")
    cube = cube_for(gemeente_code)
    years = period_for(cube, None).years if len(cube) else []
    if figure == "recidive12":
        episodes = load_episodes(gemeente_code)
        return [(str(y), twelve_month_rate(episodes, policy, wijk_code, cohort=y)) for y in years]
    wijken = [w.code for w in wijken_of(gemeente_code)]
    area = wijk_code or gemeente_code
    pop = population([area]).get(area, (None, None))[0] if figure == "per1000" else None
    out = []
    for y in years:
        canon = canonical(cube, gemeente_code, wijken, y, policy)
        total = canon.totals.cell(wijk_code) if wijk_code else canon.totals.total
        if figure == "meldingen":
            out.append((str(y), total))
        elif figure == "per1000":
            out.append((str(y), rate(total, pop)))
        else:
            table = canon.by_dim["kinderen"]
            ja = (table.cell(wijk_code, "ja") if wijk_code else table.col_total("ja")) if "ja" in table.col_keys else None
            out.append((str(y), percentage(ja, total) if ja is not None else cbs_cell(None)))
    return out


def cbs_series(indicator: str, area_code: str, unit: str = "") -> list[tuple[str, Cell]]:
    """[(year, Cell)] of a CBS key figure for the area, every year available."""
    rows = (
        Kerncijfer.objects.filter(area_code=area_code, indicator=indicator, value__isnull=False)
        .order_by("jaar")
        .values_list("jaar", "value")
    )
    return [(str(jaar), cbs_cell(value, unit, f"CBS {jaar}")) for jaar, value in rows]
