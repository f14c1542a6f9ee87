"""The registry's classifications, from the CBS lists in the domain brief (§2.3, §3, Implications 3).

Pure data: no Django imports. Each list is (code, Dutch label); codes are what the
database stores and what import profiles map partner values onto. Labels are marked with ``N_``
and translated where they are shown (``zicht.core.i18n``).
"""

from __future__ import annotations

from zicht.access.roles import N_

REPORT_KINDS = [
    ("incident", N_("Incident (politie)")),
    ("melding", N_("Melding (Veilig Thuis)")),
    ("advies", N_("Advies (Veilig Thuis)")),
    ("signaal", N_("Signaal (betrokkenheid)")),
]

# CBS 84851NED 'aard geweld'
AARD_GEWELD = [
    ("kindermishandeling", N_("Kindermishandeling")),
    ("ex_partnergeweld", N_("(Ex-)partnergeweld")),
    ("ouderenmishandeling", N_("Ouderenmishandeling (ouder dan 65 jaar)")),
    ("geweld_tegen_ouders", N_("Geweld tegen ouders")),
    ("hg_overig", N_("Huiselijk geweld overig")),
    ("andere_problematiek", N_("Andere problematiek")),
    ("geen_hg_km", N_("Geen kindermishandeling/huiselijk geweld")),
    ("onbekend", N_("Onbekend")),
]

GEWELDSVORMEN = [
    ("lichamelijk", N_("Lichamelijk")),
    ("psychisch", N_("Psychisch")),
    ("seksueel", N_("Seksueel")),
    ("verwaarlozing", N_("Verwaarlozing")),
    ("getuige", N_("Getuige van huiselijk geweld")),
]

# CBS huiselijke kring as the minimum set (domain brief §2.3, Implications 3)
RELATIES = [
    ("partner", N_("Partner")),
    ("ex_partner", N_("Ex-partner")),
    ("ouder_kind", N_("Ouder → kind")),
    ("kind_ouder", N_("Kind → ouder")),
    ("overig_familielid", N_("Overig familielid")),
    ("huisgenoot", N_("Huisgenoot")),
    ("mantelzorger", N_("Mantelzorger")),
    ("huisvriend", N_("Huisvriend")),
    ("onbekend", N_("Onbekend")),
]

ROLLEN = [
    ("slachtoffer", N_("Slachtoffer")),
    ("pleger", N_("Pleger")),
    ("kind", N_("Kind (betrokken)")),
    ("melder", N_("Melder")),
    ("betrokkene", N_("Betrokkene")),
]

# CBS 84849NED 'hoedanigheid melder', extended with the partner types of PRODUCT.md
ORGANISATIE_TYPES = [
    ("politie", N_("Politie (Justitie en veiligheid)")),
    ("veilig_thuis", N_("Veilig Thuis")),
    ("wijkteam", N_("Wijkteam / Toegang")),
    ("onderwijs", N_("Onderwijs")),
    ("kinderopvang", N_("Kinderopvang")),
    ("gezondheidszorg", N_("Huisarts / gezondheidszorg")),
    ("ggz", N_("Geestelijke gezondheidszorg")),
    ("jeugdzorg", N_("Jeugdzorg")),
    ("ggd", N_("GGD / jeugdgezondheidszorg")),
    ("leerplicht", N_("Bureau Leerplicht")),
    ("justitie", N_("Justitie en veiligheid (overig)")),
    ("gemeente", N_("Gemeente")),
    ("anders", N_("Andere organisatie")),
]

HOEDANIGHEID_MELDER = [
    ("niet_beroepsmatig", N_("Niet beroepsmatig")),
    ("politie", N_("Politie")),
    ("justitie", N_("Justitie en veiligheid")),
    ("gezondheidszorg", N_("Gezondheidszorg")),
    ("ggz", N_("Geestelijke gezondheidszorg")),
    ("kinderopvang", N_("Kinderopvang")),
    ("onderwijs", N_("Onderwijs")),
    ("leerplicht", N_("Bureau Leerplicht")),
    ("jeugdzorg", N_("Jeugdzorg")),
    ("vt_andere_regio", N_("Veilig Thuis andere regio")),
    ("anders", N_("Andere organisatie")),
]

# Seed 000 (GGD Zuid-Limburg): the meldcode traffic light maps organisations by the safety risk they work with.
MELDCODE_STOPLICHT = [
    ("groen", N_("Groen: partner bij preventie, geen verhoogd veiligheidsrisico")),
    ("oranje", N_("Oranje: partner bij enig veiligheidsrisico (er ging incidenteel iets mis)")),
    ("rood", N_("Rood: specialistische organisatie huiselijk geweld (bijv. vrouwenopvang)")),
    ("onbekend", N_("Onbekend")),
]

GESLACHT = [("m", N_("Man")), ("v", N_("Vrouw")), ("x", N_("Anders / onbekend"))]


def codes(vocabulary: list[tuple[str, str]]) -> set[str]:
    return {code for code, _ in vocabulary}


def label(vocabulary: list[tuple[str, str]], code: str) -> str:
    return dict(vocabulary).get(code, code)


VOCABULARIES = {
    "kind": REPORT_KINDS,
    "aard": AARD_GEWELD,
    "vorm": GEWELDSVORMEN,
    "relatie": RELATIES,
    "rol": ROLLEN,
    "organisatie_type": ORGANISATIE_TYPES,
    "hoedanigheid_melder": HOEDANIGHEID_MELDER,
    "geslacht": GESLACHT,
}
