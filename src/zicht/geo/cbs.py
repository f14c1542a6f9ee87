"""Parsing CBS values and the catalogue of Zicht's area indicators (pure, no Django).

Why: CBS marks unknown, unreliable or secret figures with '.', an empty cell, null, 'x'
or a large negative sentinel (≤ -99990 in some OData exports). Reading those as 0 would
make a buurt look poor-free or empty; they are *missing* (None), never zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MISSING_MARKS = {"", ".", "x", "X", "-", "?", "..", "NA", "nan", "None", "null"}
SENTINEL_LIMIT = -99990


def parse_value(raw) -> float | None:
    """A CBS cell as float, or None when CBS did not publish a value."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise TypeError("a CBS value is never a boolean")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        text = str(raw).strip()
        if text in MISSING_MARKS:
            return None
        text = text.replace("\u00a0", "").replace(" ", "")
        # Dutch decimal comma ("7,2") and thousands dot ("17.081.507") as StatLine shows them.
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", text):
            text = text.replace(".", "")
        try:
            value = float(text)
        except ValueError:
            return None
    if math.isnan(value) or math.isinf(value) or value <= SENTINEL_LIMIT:
        return None
    return value


def clean_code(raw) -> str:
    """CBS codes come right-padded with spaces ('WK085517  ')."""
    return str(raw or "").strip().upper()


def level_of(code: str) -> str:
    """'land', 'gemeente', 'wijk' or 'buurt' from the code prefix."""
    prefix = code[:2]
    return {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}.get(prefix, "onbekend")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    higher_is: str = ""  # 'risk' when a higher value signals a risk factor (see prevention)


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("inwoners", "Aantal inwoners", "aantal"),
        Indicator("huishoudens", "Aantal huishoudens", "aantal"),
        Indicator("gem_huishoudensgrootte", "Gemiddelde huishoudensgrootte", "personen"),
        Indicator("bevolkingsdichtheid", "Bevolkingsdichtheid", "inwoners per km²"),
        Indicator("pct_0_15", "Inwoners 0 tot 15 jaar", "%"),
        Indicator("pct_15_25", "Inwoners 15 tot 25 jaar", "%"),
        Indicator("pct_25_45", "Inwoners 25 tot 45 jaar", "%"),
        Indicator("pct_45_65", "Inwoners 45 tot 65 jaar", "%"),
        Indicator("pct_65plus", "Inwoners van 65 jaar of ouder", "%", "risk"),
        Indicator("inwoners_65plus", "Inwoners van 65 jaar of ouder", "aantal"),
        Indicator("pct_eenpersoonshhd", "Eenpersoonshuishoudens", "%", "risk"),
        Indicator("pct_hhd_met_kind", "Huishoudens met kinderen", "%", "risk"),
        Indicator("pct_hhd_zonder_kind", "Huishoudens zonder kinderen", "%"),
        Indicator("pct_gescheiden", "Gescheiden inwoners", "%", "risk"),
        Indicator("gem_woz_waarde", "Gemiddelde WOZ-waarde van woningen", "× € 1.000"),
        Indicator("gem_inkomen_ontvanger", "Gemiddeld inkomen per inkomensontvanger", "× € 1.000"),
        Indicator("gem_inkomen_inwoner", "Gemiddeld inkomen per inwoner", "× € 1.000"),
        Indicator("gem_gestand_inkomen", "Gemiddeld gestandaardiseerd inkomen van huishoudens", "× € 1.000"),
        Indicator("pct_personen_laagste40", "Personen in de landelijk laagste 40% inkomens", "%"),
        Indicator("pct_personen_hoogste20", "Personen in de landelijk hoogste 20% inkomens", "%"),
        Indicator("pct_hh_laagste40", "Huishoudens in de landelijk laagste 40% inkomens", "%"),
        Indicator("pct_hh_hoogste20", "Huishoudens in de landelijk hoogste 20% inkomens", "%"),
        Indicator("pct_hh_laag_inkomen", "Huishoudens met een laag inkomen", "%", "risk"),
        Indicator("pct_rond_sociaal_min", "Huishoudens onder of rond het sociaal minimum", "%", "risk"),
        Indicator("mediaan_vermogen", "Mediaan vermogen van huishoudens", "× € 1.000"),
        Indicator("bijstand_per_1000", "Personen met bijstand", "per 1.000 inwoners", "risk"),
        Indicator("ww_per_1000", "Personen met WW", "per 1.000 inwoners", "risk"),
        Indicator("pct_jeugdzorg", "Jongeren met jeugdzorg", "%", "risk"),
        Indicator("wmo_per_1000", "Wmo-cliënten", "per 1.000 inwoners", "risk"),
        Indicator("arbeidsparticipatie", "Netto arbeidsparticipatie", "%"),
        Indicator("stedelijkheid", "Mate van stedelijkheid (1 = zeer sterk, 5 = niet)", "klasse"),
        Indicator("cr_mishandeling", "Geregistreerde mishandelingen (politie)", "aantal"),
        Indicator("cr_bedreiging", "Geregistreerde bedreigingen (politie)", "aantal"),
        Indicator("cr_totaal_misdrijven", "Geregistreerde misdrijven totaal (politie)", "aantal"),
    )
}

# KWB 2017 (83765NED) column -> indicator. Migration-background columns are deliberately
# not loaded: origin is no risk factor and Zicht does not profile areas on it.
KWB2017_COLUMNS = {
    "AantalInwoners_5": "inwoners",
    "k_65JaarOfOuder_12": "inwoners_65plus",
    "Bevolkingsdichtheid_33": "bevolkingsdichtheid",
    "GemiddeldeWoningwaarde_35": "gem_woz_waarde",
    "GemiddeldInkomenPerInkomensontvanger_65": "gem_inkomen_ontvanger",
    "GemiddeldInkomenPerInwoner_66": "gem_inkomen_inwoner",
    "k_40PersonenMetLaagsteInkomen_67": "pct_personen_laagste40",
    "k_20PersonenMetHoogsteInkomen_68": "pct_personen_hoogste20",
    "k_40HuishoudensMetLaagsteInkomen_70": "pct_hh_laagste40",
    "k_20HuishoudensMetHoogsteInkomen_71": "pct_hh_hoogste20",
    "HuishoudensMetEenLaagInkomen_72": "pct_hh_laag_inkomen",
    "HuishOnderOfRondSociaalMinimum_73": "pct_rond_sociaal_min",
}

# PDOK/CBS wijkenbuurten short names (gemeenten 2022-2024, wijken 2024) -> indicator.
# Note: the PDOK field 'pct_hh_laag_inkomen' holds the share of households in the
# *national lowest 40%* (Tilburg 2022: 48, matching KWB 2017's 48.9 for that measure,
# not its 9.7 'laag inkomen'), so it maps to pct_hh_laagste40.
PDOK_FIELDS = {
    "aantal_inwoners": "inwoners",
    "huishoudens": "huishoudens",
    "gem_huishouden_grootte": "gem_huishoudensgrootte",
    "bevolkingsdichtheid": "bevolkingsdichtheid",
    "0_15": "pct_0_15",
    "15_25": "pct_15_25",
    "25_45": "pct_25_45",
    "45_65": "pct_45_65",
    "65plus": "pct_65plus",
    "pct_eenpersoonshhd": "pct_eenpersoonshhd",
    "pct_hhd_met_kind": "pct_hhd_met_kind",
    "pct_hhd_zonder_kind": "pct_hhd_zonder_kind",
    "gem_woz_waarde": "gem_woz_waarde",
    "gem_inkomen_inwoner": "gem_inkomen_inwoner",
    "gem_inkomen_ontvanger": "gem_inkomen_ontvanger",
    "gem_gestand_inkomen": "gem_gestand_inkomen",
    "pct_hh_laag_inkomen": "pct_hh_laagste40",
    "pct_hh_hoog_inkomen": "pct_hh_hoogste20",
    "pct_rond_sociaal_min": "pct_rond_sociaal_min",
    "mediaan_vermogen": "mediaan_vermogen",
    "pct_jeugdzorg": "pct_jeugdzorg",
    "wmo_per_1000": "wmo_per_1000",
    "arbeidsparticipatie": "arbeidsparticipatie",
    "stedelijkheid": "stedelijkheid",
}
PDOK_CRIME_FIELDS = {
    "cr_mishandeling": "cr_mishandeling",
    "cr_bedreiging": "cr_bedreiging",
    "cr_totaal_misdrijven": "cr_totaal_misdrijven",
}

# How a national value is derived from gemeente rows when CBS gives none in our files:
# (weight indicator or None for a plain sum). Only indicators listed here get one.
NATIONAL_FROM_GEMEENTEN = {
    "inwoners": None,
    "huishoudens": None,
    "pct_0_15": "inwoners",
    "pct_15_25": "inwoners",
    "pct_25_45": "inwoners",
    "pct_45_65": "inwoners",
    "pct_65plus": "inwoners",
    "pct_eenpersoonshhd": "huishoudens",
    "pct_hhd_met_kind": "huishoudens",
    "pct_hh_laagste40": "huishoudens",
    "pct_rond_sociaal_min": "huishoudens",
    "wmo_per_1000": "inwoners",
    "gem_huishoudensgrootte": "huishoudens",
}


def weighted_mean(pairs: list[tuple[float | None, float | None]]) -> float | None:
    """Mean of values weighted by weights, skipping pairs with a missing part."""
    usable = [(v, w) for v, w in pairs if v is not None and w is not None and w > 0]
    total = sum(w for _, w in usable)
    if not usable or total == 0:
        return None
    return sum(v * w for v, w in usable) / total


def share(part: float | None, whole: float | None, per: float = 100.0, decimals: int = 1) -> float | None:
    """part / whole × per, None when either is missing or the whole is zero."""
    if part is None or whole is None or whole <= 0:
        return None
    return round(part / whole * per, decimals)


def normalise_title(title: str) -> str:
    """CBS titles differ in case, spacing and trailing unit notes between years."""
    text = (title or "").lower().replace("\u00a0", " ")
    text = re.sub(r"\s*\((aantal|%|x 1 000 euro|per km2|1 000 euro)\)\s*$", "", text)
    return re.sub(r"\s+", " ", text).strip(" ;:")


# GGD regions (certegis, names of 2021) for gemeenten formed later: their predecessors.
GEMEENTE_PREDECESSORS = {
    "Dijk en Waard": ("Heerhugowaard", "Langedijk"),
    "Land van Cuijk": ("Boxmeer", "Cuijk", "Grave", "Mill en Sint Hubert", "Sint Anthonis"),
    "Maashorst": ("Landerd", "Uden"),
    "Voorne aan Zee": ("Brielle", "Hellevoetsluis", "Westvoorne"),
}


def derived_buurt_name(wijk_name: str, buurt_code: str) -> str:
    """KWB 2017 carries no buurt names: 'Korvel, buurt 3' from the wijk name and the code."""
    return f"{wijk_name}, buurt {int(buurt_code[-2:])}"


def derived_wijk_name(gemeente_name: str, wijk_code: str) -> str:
    return f"{gemeente_name}, wijk {int(wijk_code[-2:])}"
