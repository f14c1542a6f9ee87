"""Risk-factor profile of an area from CBS indicators — areas only, never individuals.

For every risk factor of seed 000/003 that CBS figures can signal (see
``zicht.areas.risk_factors``), each of its indicators is compared with the
gemeente and the national value *of the same year* (the newest year in which the area has
a value), so that a 2017 buurt figure is never set against a 2024 gemeente figure.
``elevated`` uses the prevention module's rule (more than 10% above the reference; the
gemeente for a wijk or buurt, the national value for a gemeente).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from zicht.geo.cbs import INDICATORS
from zicht.geo.models import Kerncijfer

from . import risk_factors as rf

NATIONAL = "NL00"


@dataclass(frozen=True)
class RiskFactorScore:
    factor: str
    label: str
    indicator: str
    indicator_label: str
    unit: str
    year: int | None
    value: float | None
    gemeente_value: float | None
    national_value: float | None
    elevated: bool
    elevated_vs_national: bool
    prevention_types: tuple[str, ...]
    policy_frameworks: tuple[str, ...]
    frameworks_inferred: bool = False
    reference: str = "gemeente"

    # Labels in the active language (risk_factors marks them with N_); codes stay as they are.
    @property
    def prevention_type_labels(self) -> list[str]:
        return [gettext(rf.PREVENTION_TYPE_LABELS[t]) for t in self.prevention_types]

    @property
    def policy_framework_labels(self) -> list[str]:
        return [gettext(rf.POLICY_FRAMEWORKS[f]) for f in self.policy_frameworks]


def _series(codes: list[str], indicators: set[str]) -> dict[tuple[str, str], dict[int, float]]:
    out: dict[tuple[str, str], dict[int, float]] = {}
    qs = Kerncijfer.objects.filter(area_code__in=codes, indicator__in=indicators, value__isnull=False)
    for code, ind, jaar, value in qs.values_list("area_code", "indicator", "jaar", "value"):
        out.setdefault((code, ind), {})[jaar] = value
    return out


def area_risk_profile(area_code: str, year: int | None = None) -> list[RiskFactorScore]:
    """Scores per (risk factor, indicator) for a gemeente (GM), wijk (WK) or buurt (BU) code."""
    code = area_code.strip().upper()
    gemeente = "GM" + code[2:6]
    is_gemeente = code.startswith("GM")
    factors = rf.area_signalled_factors()
    indicators = {i.key for f in factors for i in f.indicators}
    data = _series([code, gemeente, NATIONAL], indicators)
    scores = []
    for factor in factors:
        for ind in factor.indicators:
            own = data.get((code, ind.key), {})
            years = sorted(y for y in own if year is None or y <= year)
            chosen = years[-1] if years else None
            value = own.get(chosen) if chosen else None
            gm_value = data.get((gemeente, ind.key), {}).get(chosen) if chosen else None
            nl_value = data.get((NATIONAL, ind.key), {}).get(chosen) if chosen else None
            reference = nl_value if is_gemeente else gm_value
            scores.append(
                RiskFactorScore(
                    factor=factor.code,
                    label=gettext(factor.label),
                    indicator=ind.key,
                    indicator_label=gettext(ind.label),
                    unit=ind.unit,
                    year=chosen,
                    value=value,
                    gemeente_value=None if is_gemeente else gm_value,
                    national_value=nl_value,
                    elevated=bool(rf.is_elevated(value, reference)),
                    elevated_vs_national=bool(rf.is_elevated(value, nl_value)),
                    prevention_types=tuple(factor.prevention_types),
                    policy_frameworks=tuple(factor.policy_frameworks),
                    frameworks_inferred=factor.frameworks_inferred,
                    reference=gettext("Nederland") if is_gemeente else gettext("gemeente"),
                )
            )
    return scores


CONTEXT_INDICATORS = (
    "inwoners",
    "huishoudens",
    "bevolkingsdichtheid",
    "pct_0_15",
    "pct_15_25",
    "pct_25_45",
    "pct_45_65",
    "pct_65plus",
    "pct_eenpersoonshhd",
    "gem_huishoudensgrootte",
    "gem_inkomen_inwoner",
    "pct_hh_laagste40",
)


def context_profile(area_code: str) -> list[dict]:
    """Age structure, density and households (context, not risk factors) against gemeente and NL."""

    code = area_code.strip().upper()
    gemeente = "GM" + code[2:6]
    data = _series([code, gemeente, NATIONAL], set(CONTEXT_INDICATORS))
    rows = []
    for key in CONTEXT_INDICATORS:
        own = data.get((code, key), {})
        if not own:
            continue
        year = max(own)
        rows.append(
            {
                "indicator": key,
                "label": gettext(INDICATORS[key].label),  # geo.cbs marks its labels
                "unit": INDICATORS[key].unit,
                "year": year,
                "value": own[year],
                "gemeente_value": None if code.startswith("GM") else data.get((gemeente, key), {}).get(year),
                "national_value": data.get((NATIONAL, key), {}).get(year),
            }
        )
    return rows
