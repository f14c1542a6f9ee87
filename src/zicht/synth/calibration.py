"""Calibration targets (domain brief §8) and the case-mix parameters derived from them.

Reports are generated as *cases*: one household with a primary aard geweld and a small
timeline of reports across partners. The expected number of reports per case is fixed
below, so the number of cases per buurt follows from the targets per 1,000 inwoners.
"""

from __future__ import annotations

from dataclasses import dataclass

# Targets per 1,000 inwoners per year (domain brief §8; wijkteam rate is our own assumption).
TARGET_RATES = {
    "vt_melding": 7.0,  # 127,340 meldingen / ~17.9 mln inwoners (84849NED, 2023*)
    "vt_advies": 8.0,  # 143,210 adviezen (84849NED, 2023*)
    "politie": 4.0,  # 70,887–95,541 HG incidenten per year (§3)
    "wijkteam": 3.0,  # assumption: signals of involvement registered by wijkteams
}
TARGET_REPEAT_SHARE = 0.285  # vervolgmeldingen tijdens VT-betrokkenheid, 85361NED 2023*
TARGET_AARD_MIX = {  # VT meldingen, Drenthe 2023* (84851NED); 'overig' is the remainder
    "Kindermishandeling": 0.56,
    "(Ex-)Partnergeweld": 0.31,
    "Geweld tegen ouders": 0.07,
    "Ouderenmishandeling": 0.02,
    "Huiselijk geweld overig": 0.04,
}
TARGET_POLICE_PARTNER_SHARE = 2 / 3  # partner 44.8 % + ex-partner 22 % (2012, §3)

# Meldingen per melding-household ~ Geometric(p): repeat share = 1 - p.
P_SINGLE_MELDING = 1 - TARGET_REPEAT_SHARE
MEAN_MELDINGEN = 1 / P_SINGLE_MELDING

# Probability that a melding follows a police incident (hoedanigheid melder 'Politie'), per
# aard. Weighted by the aard mix this is ≈ 0.49, i.e. ≈ 3.45 of the 4 incidents per 1,000
# lead to a melding (politie is VT's largest melder: 85,590 of 127,340 from Justitie en
# veiligheid) and the other ≈ 0.55 are police-only cases.
POLICE_TRIGGER = {"km": 0.40, "partner": 0.65, "ex_partner": 0.65, "gto": 0.60, "ouderen": 0.30, "overig": 0.50}
# Household aard among melding cases; 'partner' and 'ex_partner' split the 31 %.
MELDING_AARD = {"km": 0.56, "partner": 0.20, "ex_partner": 0.11, "gto": 0.07, "ouderen": 0.02, "overig": 0.04}
# Police-only cases are mostly other family violence, so partner stays ≈ 2/3 of incidents.
POLICE_ONLY_AARD = {"overig": 0.45, "gto": 0.25, "partner": 0.12, "ex_partner": 0.08, "ouderen": 0.10}
# Advies-only cases (the adviesvrager stays responsible): aard mix close to the meldingen.
ADVIES_AARD = {"km": 0.60, "partner": 0.15, "ex_partner": 0.08, "gto": 0.07, "ouderen": 0.05, "overig": 0.05}
WIJKTEAM_ONLY_AARD = {"km": 0.55, "partner": 0.15, "ex_partner": 0.10, "gto": 0.10, "ouderen": 0.05, "overig": 0.05}

ADVIES_BEFORE_MELDING = 0.35  # melding cases that started with an advies
EXTRA_POLICE_IN_MELDING_CASE = 0.0
SECOND_REPORT = 0.10  # advies-only / police-only / wijkteam-only cases with a second report
WIJKTEAM_ON_MELDING = 0.60  # share of wijkteam signals on households with a VT melding
WIJKTEAM_ON_ADVIES = 0.15  # … on advies-only households
SIGNALS_PER_CASE = 1.2  # a signalling household gets 1 or 2 signals (20 % two)

ADVIES_IDENTITY = {"full": 0.45, "partial": 0.35, "anonymous": 0.20}
MOVE_SHARE = 0.10  # households that move once during the window


@dataclass(frozen=True)
class CaseCounts:
    """Expected number of cases of each type for a population over a window."""

    melding: float
    advies_only: float
    police_only: float
    wijkteam_only: float
    p_wijkteam_melding: float  # chance that a melding case gets wijkteam signals
    p_wijkteam_advies: float


def case_counts(inwoners: float, years: float, scale: float) -> CaseCounts:
    """Solve the case-type counts so each source's expected total hits its target."""
    py = inwoners / 1000 * years * scale
    meldingen = TARGET_RATES["vt_melding"] * py
    n_melding = meldingen / MEAN_MELDINGEN
    trigger = sum(MELDING_AARD[a] * POLICE_TRIGGER[a] for a in MELDING_AARD)
    police_left = max(0.0, TARGET_RATES["politie"] * py - meldingen * trigger)
    advies_left = max(0.0, TARGET_RATES["vt_advies"] * py - n_melding * ADVIES_BEFORE_MELDING)
    per_case = 1 + SECOND_REPORT
    n_advies = advies_left / per_case
    signals = TARGET_RATES["wijkteam"] * py
    return CaseCounts(
        melding=n_melding,
        advies_only=n_advies,
        police_only=police_left / per_case,
        wijkteam_only=signals * (1 - WIJKTEAM_ON_MELDING - WIJKTEAM_ON_ADVIES) / SIGNALS_PER_CASE,
        p_wijkteam_melding=min(1.0, signals * WIJKTEAM_ON_MELDING / SIGNALS_PER_CASE / n_melding) if n_melding else 0.0,
        p_wijkteam_advies=min(1.0, signals * WIJKTEAM_ON_ADVIES / SIGNALS_PER_CASE / n_advies) if n_advies else 0.0,
    )
