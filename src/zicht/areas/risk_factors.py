"""Risk factors for domestic violence as the seeds give them, with prevention type and policy framework.

Seed 000 (Movisie 2014, *Gemeentelijk preventiebeleid huiselijk geweld*, table "Van risicofactor
naar beleidskader") is the source for the first six factors: label, soort preventie and beleidskader
are copied from it. Seed 003 (Tilburg handreiking Korvel / Wandelbos-Noord, §1.2) adds factors the
Movisie table does not name; for those the source gives no beleidskader, so a framework is only
listed where it is a plain inference and then ``frameworks_inferred`` is True (the UI says so).

``indicators`` are the CBS area indicators (Kerncijfers wijken en buurten) that can signal a factor
at area level. Their ``key`` is the ``geo.Kerncijfer.indicator`` value. A factor without indicators
cannot be seen in CBS figures (addiction, earlier violence); the wijkanalyse must then use other
sources (politie, GGD, conversations in the wijk, seed 000 advice 3 and 5).

Pure data and functions: the areas app imports this for its risk profile, the prevention app for
its suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zicht.access.roles import N_

# Prevention types (seed 000 "Doelgroepen voor preventiebeleid"; domain brief §9).
UNIVERSEEL = "universeel"
SELECTIEF = "selectief"
GEINDICEERD = "geindiceerd"
ZORGGERICHT = "zorggericht"
PREVENTION_TYPES = (UNIVERSEEL, SELECTIEF, GEINDICEERD, ZORGGERICHT)
PREVENTION_TYPE_LABELS = {
    UNIVERSEEL: N_("universele preventie"),
    SELECTIEF: N_("selectieve preventie"),
    GEINDICEERD: N_("geïndiceerde preventie"),
    ZORGGERICHT: N_("zorggerichte preventie"),
}

# Policy frameworks named in seed 000 (the table and the Rotterdam "koereiger" text).
POLICY_FRAMEWORKS = {
    "oggz": N_("OGGZ"),
    "jeugdbeleid": N_("jeugdbeleid"),
    "integraal_veiligheidsbeleid": N_("integraal veiligheidsbeleid"),
    "armoedebeleid": N_("armoedebeleid"),
    "participatiebeleid": N_("participatiebeleid"),
    "mantelzorgbeleid": N_("mantelzorgbeleid"),
    "sociaal_economisch_beleid": N_("sociaal-economisch beleid"),
    "ouderenbeleid": N_("ouderenbeleid"),
    "welzijnsbeleid": N_("welzijnsbeleid"),
    "emancipatiebeleid": N_("emancipatiebeleid"),
}

HIGHER_IS_RISK = "hoger"  # a higher value than the comparison area signals the factor


@dataclass(frozen=True)
class AreaIndicator:
    """A CBS key figure that signals a risk factor at area level."""

    key: str  # geo.Kerncijfer.indicator
    label: str
    unit: str  # "%" or "per 1.000 inwoners"
    cbs_title: str  # the CBS KWB column title it comes from, to resolve per year
    direction: str = HIGHER_IS_RISK


@dataclass(frozen=True)
class RiskFactor:
    code: str
    label: str
    prevention_types: tuple[str, ...]
    policy_frameworks: tuple[str, ...]
    indicators: tuple[AreaIndicator, ...] = ()
    source: str = "000"  # seed number
    frameworks_inferred: bool = False
    note: str = ""
    related: tuple[str, ...] = field(default=())  # other factor codes that overlap (seed 003 vs 000)

    @property
    def prevention_type_labels(self) -> list[str]:
        return [PREVENTION_TYPE_LABELS[t] for t in self.prevention_types]

    @property
    def policy_framework_labels(self) -> list[str]:
        return [POLICY_FRAMEWORKS[f] for f in self.policy_frameworks]


# --- CBS indicators (KWB). Keys are the names geo.Kerncijfer rows carry. -----------------------
LAAG_INKOMEN = AreaIndicator("pct_hh_laag_inkomen", N_("huishoudens met een laag inkomen"), "%", "Huishoudens met een laag inkomen")
SOCIAAL_MINIMUM = AreaIndicator(
    "pct_rond_sociaal_min",
    N_("huishoudens onder of rond het sociaal minimum"),
    "%",
    "Huishoudens onder of rond sociaal minimum",
)
BIJSTAND = AreaIndicator("bijstand_per_1000", N_("personen met bijstand"), "per 1.000 inwoners", "Personen per soort uitkering; Bijstand")
LAAGSTE40 = AreaIndicator(
    "pct_hh_laagste40",
    N_("huishoudens in de landelijk laagste 40% inkomens"),
    "%",
    "Huishoudens met landelijk laagste 40% inkomen",
)
WW = AreaIndicator("ww_per_1000", N_("personen met WW (proxy werkloosheid)"), "per 1.000 inwoners", "Personen per soort uitkering; WW")
EENPERSOONS = AreaIndicator("pct_eenpersoonshhd", N_("eenpersoonshuishoudens"), "%", "Eenpersoonshuishoudens")
OUDEREN = AreaIndicator("pct_65plus", N_("inwoners van 65 jaar of ouder"), "%", "65 jaar of ouder")
WMO = AreaIndicator("wmo_per_1000", N_("Wmo-cliënten"), "per 1.000 inwoners", "Wmo-cliënten")
MET_KINDEREN = AreaIndicator("pct_hhd_met_kind", N_("huishoudens met kinderen"), "%", "Huishoudens met kinderen")
JEUGDZORG = AreaIndicator("pct_jeugdzorg", N_("jongeren met jeugdzorg"), "%", "Percentage jongeren met jeugdzorg")
GESCHEIDEN = AreaIndicator("pct_gescheiden", N_("gescheiden inwoners"), "%", "Burgerlijke staat; Gescheiden")

INDICATORS = {
    i.key: i
    for i in (LAAG_INKOMEN, SOCIAAL_MINIMUM, LAAGSTE40, BIJSTAND, WW, EENPERSOONS, OUDEREN, WMO, MET_KINDEREN, JEUGDZORG, GESCHEIDEN)
}

U, S, G, Z = UNIVERSEEL, SELECTIEF, GEINDICEERD, ZORGGERICHT

RISK_FACTORS: dict[str, RiskFactor] = {
    f.code: f
    for f in (
        # Seed 000, table "Van risicofactor naar beleidskader" (row order and wording kept).
        RiskFactor(
            "verslaving",
            N_("Verslavingen, zoals alcohol-, drugs- of gokverslavingen"),
            (S, G),
            ("oggz", "jeugdbeleid"),
            related=("ggz_lvb_verslaving",),
            note=N_("Niet zichtbaar in CBS-kerncijfers; gebruik GGD-, GGZ- en politie-informatie."),
        ),
        RiskFactor(
            "eerdere_delicten",
            N_("Eerdere (gewelds)delicten (gepleegd of slachtoffer van geweest)"),
            (G,),
            ("integraal_veiligheidsbeleid",),
            note=N_("Niet zichtbaar in CBS-kerncijfers per wijk; politiecijfers zijn er alleen per gemeente."),
        ),
        RiskFactor(
            "armoede",
            N_("Armoede of financiële problemen"),
            (U, S),
            ("armoedebeleid", "participatiebeleid"),
            indicators=(LAAG_INKOMEN, SOCIAAL_MINIMUM, LAAGSTE40, BIJSTAND, WW),
            note=N_("Seed 003 rekent lage opleiding, werkloosheid, schulden en slechte huisvesting tot armoede."),
        ),
        RiskFactor(
            "afhankelijkheid",
            N_("De mate van afhankelijkheid van andere personen"),
            (U, S),
            ("mantelzorgbeleid", "sociaal_economisch_beleid", "ouderenbeleid", "jeugdbeleid"),
            indicators=(OUDEREN, WMO),
            related=("zorgafhankelijkheid",),
            note=N_("Hoog aandeel ouderen en Wmo-cliënten: risico op ouderenmishandeling en overbelaste mantelzorg."),
        ),
        RiskFactor(
            "sociaal_isolement",
            N_("Het niveau van sociale isolatie en het sociale netwerk"),
            (U, S),
            ("participatiebeleid", "welzijnsbeleid", "ouderenbeleid"),
            indicators=(EENPERSOONS,),
        ),
        RiskFactor(
            "weerbaarheid",
            N_("Weerbaarheid specifieke slachtoffergroepen"),
            (U, S, G),
            ("emancipatiebeleid", "ouderenbeleid"),
            note=N_("De bron breekt de rij af na 'ouderenbeleid,'; verdere kaders zijn niet overgenomen."),
        ),
        # Seed 003 §1.2 (Korvel / Wandelbos-Noord). The handreiking targets selectieve preventie with
        # overflow to geïndiceerde preventie (§1.1), hence (S, G). No beleidskader is given there.
        RiskFactor(
            "ggz_lvb_verslaving",
            N_("GGZ-, verslavings- en LVB-problematiek"),
            (S, G),
            ("oggz",),
            source="003",
            frameworks_inferred=True,
            related=("verslaving",),
            note=N_("Kader OGGZ overgenomen van de rij 'verslavingen' in seed 000."),
        ),
        RiskFactor(
            "zorgafhankelijkheid",
            N_("Machtsverschillen door zorgafhankelijkheid (ouderen, mensen met een beperking)"),
            (S, G),
            ("mantelzorgbeleid", "ouderenbeleid"),
            source="003",
            frameworks_inferred=True,
            related=("afhankelijkheid",),
            note=N_(
                "Kaders overgenomen van de rij 'afhankelijkheid' in seed 000; op gebiedsniveau gesignaleerd via "
                "'afhankelijkheid' (aandeel 65-plussers, Wmo-cliënten)."
            ),
        ),
        RiskFactor(
            "opvoedingsbelasting",
            N_("Opvoed- en opgroeiproblematiek"),
            (S, G),
            ("jeugdbeleid",),
            indicators=(MET_KINDEREN, JEUGDZORG),
            source="003",
            frameworks_inferred=True,
            note=N_("Seed 003 noemt dit een gevolg van de risicofactoren en een aangrijpingspunt (bouwstenen 5 en 6)."),
        ),
        RiskFactor(
            "traditionele_rolpatronen",
            N_("Machtsverschillen door traditionele rolpatronen"),
            (S, G),
            (),
            source="003",
            note=N_("Niet zichtbaar in CBS-kerncijfers; de bron noemt geen beleidskader."),
        ),
        RiskFactor(
            "gesloten_gemeenschap",
            N_("Gesloten gemeenschappen"),
            (S, G),
            (),
            source="003",
            note=N_("Niet zichtbaar in CBS-kerncijfers; de bron noemt geen beleidskader."),
        ),
        RiskFactor(
            "vechtscheiding",
            N_("Vechtscheidingen"),
            (S, G),
            (),
            indicators=(GESCHEIDEN,),
            source="003",
            note=N_("Aandeel gescheiden inwoners is een zwakke indicator; de bron noemt geen beleidskader."),
        ),
    )
}

SEED_000_ORDER = ("verslaving", "eerdere_delicten", "armoede", "afhankelijkheid", "sociaal_isolement", "weerbaarheid")


def factor(code: str) -> RiskFactor:
    try:
        return RISK_FACTORS[code]
    except KeyError:
        raise KeyError(f"Onbekende risicofactor: {code}") from None


def label(code: str) -> str:
    return factor(code).label


def factors_for_indicator(indicator_key: str) -> list[RiskFactor]:
    """Which factors an area indicator signals (one indicator can signal several)."""
    return [f for f in RISK_FACTORS.values() if any(i.key == indicator_key for i in f.indicators)]


def area_signalled_factors() -> list[RiskFactor]:
    """Factors that have at least one CBS area indicator."""
    return [f for f in RISK_FACTORS.values() if f.indicators]


def is_elevated(value: float | None, reference: float | None, *, margin: float = 0.10) -> bool | None:
    """Is ``value`` elevated against ``reference``? None when either is missing (missing is never zero).

    Elevated means more than ``margin`` (relative) above the reference, so that small CBS rounding
    differences do not light up every wijk.
    """
    if value is None or reference is None:
        return None
    if reference == 0:
        return value > 0
    return value > reference * (1 + margin)


def prevention_types_for(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The union of prevention types of the given factors, in canonical order."""
    wanted = {t for c in codes for t in factor(c).prevention_types}
    return [t for t in PREVENTION_TYPES if t in wanted]


def policy_frameworks_for(codes: list[str] | tuple[str, ...]) -> list[str]:
    seen: list[str] = []
    for c in codes:
        for f in factor(c).policy_frameworks:
            if f not in seen:
                seen.append(f)
    return seen
