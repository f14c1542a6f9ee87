"""The registry's classifications, from the CBS lists in the domain brief (§2.3, §3, Implications 3).

Pure data: no Django imports. Each list is (code, Dutch label); codes are what the
database stores and what import profiles map partner values onto.
"""

from __future__ import annotations

REPORT_KINDS = [
    ("incident", "Incident (politie)"),
    ("melding", "Melding (Veilig Thuis)"),
    ("advies", "Advies (Veilig Thuis)"),
    ("signaal", "Signaal (betrokkenheid)"),
]

# CBS 84851NED 'aard geweld'
AARD_GEWELD = [
    ("kindermishandeling", "Kindermishandeling"),
    ("ex_partnergeweld", "(Ex-)partnergeweld"),
    ("ouderenmishandeling", "Ouderenmishandeling (ouder dan 65 jaar)"),
    ("geweld_tegen_ouders", "Geweld tegen ouders"),
    ("hg_overig", "Huiselijk geweld overig"),
    ("andere_problematiek", "Andere problematiek"),
    ("geen_hg_km", "Geen kindermishandeling/huiselijk geweld"),
    ("onbekend", "Onbekend"),
]

GEWELDSVORMEN = [
    ("lichamelijk", "Lichamelijk"),
    ("psychisch", "Psychisch"),
    ("seksueel", "Seksueel"),
    ("verwaarlozing", "Verwaarlozing"),
    ("getuige", "Getuige van huiselijk geweld"),
]

# CBS huiselijke kring as the minimum set (domain brief §2.3, Implications 3)
RELATIES = [
    ("partner", "Partner"),
    ("ex_partner", "Ex-partner"),
    ("ouder_kind", "Ouder → kind"),
    ("kind_ouder", "Kind → ouder"),
    ("overig_familielid", "Overig familielid"),
    ("huisgenoot", "Huisgenoot"),
    ("mantelzorger", "Mantelzorger"),
    ("huisvriend", "Huisvriend"),
    ("onbekend", "Onbekend"),
]

ROLLEN = [
    ("slachtoffer", "Slachtoffer"),
    ("pleger", "Pleger"),
    ("kind", "Kind (betrokken)"),
    ("melder", "Melder"),
    ("betrokkene", "Betrokkene"),
]

# CBS 84849NED 'hoedanigheid melder', extended with the partner types of PRODUCT.md
ORGANISATIE_TYPES = [
    ("politie", "Politie (Justitie en veiligheid)"),
    ("veilig_thuis", "Veilig Thuis"),
    ("wijkteam", "Wijkteam / Toegang"),
    ("onderwijs", "Onderwijs"),
    ("kinderopvang", "Kinderopvang"),
    ("gezondheidszorg", "Huisarts / gezondheidszorg"),
    ("ggz", "Geestelijke gezondheidszorg"),
    ("jeugdzorg", "Jeugdzorg"),
    ("ggd", "GGD / jeugdgezondheidszorg"),
    ("leerplicht", "Bureau Leerplicht"),
    ("justitie", "Justitie en veiligheid (overig)"),
    ("gemeente", "Gemeente"),
    ("anders", "Andere organisatie"),
]

HOEDANIGHEID_MELDER = [
    ("niet_beroepsmatig", "Niet beroepsmatig"),
    ("politie", "Politie"),
    ("justitie", "Justitie en veiligheid"),
    ("gezondheidszorg", "Gezondheidszorg"),
    ("ggz", "Geestelijke gezondheidszorg"),
    ("kinderopvang", "Kinderopvang"),
    ("onderwijs", "Onderwijs"),
    ("leerplicht", "Bureau Leerplicht"),
    ("jeugdzorg", "Jeugdzorg"),
    ("vt_andere_regio", "Veilig Thuis andere regio"),
    ("anders", "Andere organisatie"),
]

# Seed 000 (GGD Zuid-Limburg): the meldcode traffic light maps organisations by the safety risk they work with.
MELDCODE_STOPLICHT = [
    ("groen", "Groen: partner bij preventie, geen verhoogd veiligheidsrisico"),
    ("oranje", "Oranje: partner bij enig veiligheidsrisico (er ging incidenteel iets mis)"),
    ("rood", "Rood: specialistische organisatie huiselijk geweld (bijv. vrouwenopvang)"),
    ("onbekend", "Onbekend"),
]

GESLACHT = [("m", "Man"), ("v", "Vrouw"), ("x", "Anders / onbekend")]


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
