"""The registry fields an import profile can fill, with their kind.

Pure data. A profile maps partner columns onto these names ("section.field"); the kind
says how a cell is read and checked, and whether the value is personal data (then a
reject never quotes it).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import vocab


@dataclass(frozen=True)
class Target:
    name: str
    kind: str  # text | secret | code | codes | bool | date | dob | bsn | fullname | name | voorletters |
    #            postcode | huisnummer | toevoeging | adres | buurtcode
    vocabulary: str = ""  # key in vocab.VOCABULARIES for code/codes
    max_length: int = 200
    personal: bool = True  # never quote the value in a reject
    help: str = ""


_T = Target
TARGETS: dict[str, Target] = {
    t.name: t
    for t in [
        _T("report.kind", "code", "kind", personal=False, help="soort registratie: incident, melding, advies, signaal"),
        _T("report.datum", "date", personal=False, help="datum van het incident, de melding of het signaal"),
        _T("report.aard", "code", "aard", personal=False, help="aard geweld (CBS)"),
        _T("report.vormen", "codes", "vorm", personal=False, help="geweldsvormen, meerdere met [lists]-scheidingsteken"),
        _T("report.relatie", "code", "relatie", personal=False, help="relatie pleger–slachtoffer"),
        _T("report.kinderen_aanwezig", "bool", personal=False, help="kinderen aanwezig / betrokken"),
        _T("report.letsel", "bool", personal=False, help="letsel"),
        _T("report.wapen", "bool", personal=False, help="wapen gebruikt"),
        _T("report.huisverbod", "bool", personal=False, help="tijdelijk huisverbod opgelegd"),
        _T("report.hoedanigheid_melder", "code", "hoedanigheid_melder", personal=False, help="hoedanigheid melder (CBS)"),
        _T("report.categorie", "text", max_length=80, personal=False, help="grove signaalcategorie, geen inhoud"),
        _T("report.toelichting", "secret", max_length=10000, help="vrije tekst: versleuteld, nooit in analyses"),
        _T("report.contact_medewerker", "secret", max_length=200, help="naam van de medewerker die het signaal afgaf"),
        _T("report.contact_telefoon", "secret", max_length=40, help="telefoonnummer van die medewerker"),
        _T("party.rol", "code", "rol", personal=False, help="rol van deze persoon in het record"),
        _T("person.bsn", "bsn", help="BSN: 11-proef, alleen als sleutel-hash opgeslagen"),
        _T("person.naam", "fullname", help="volledige naam als één tekst ('Jansen, Pieter')"),
        _T("person.voornamen", "name", help="voornamen"),
        _T("person.voorletters", "voorletters", max_length=20, help="voorletters"),
        _T("person.tussenvoegsel", "name", max_length=20, help="tussenvoegsel"),
        _T("person.achternaam", "name", help="achternaam (geslachtsnaam)"),
        _T("person.geboortedatum", "dob", help="geboortedatum"),
        _T("person.geslacht", "code", "geslacht", personal=False, help="geslacht: m, v, x"),
        _T("address.adres", "adres", help="straat, huisnummer en toevoeging als één tekst"),
        _T("address.straat", "text", max_length=120, help="straatnaam"),
        _T("address.huisnummer", "huisnummer", max_length=20, help="huisnummer, eventueel met toevoeging ('12a')"),
        _T("address.toevoeging", "toevoeging", max_length=20, help="huisletter / toevoeging"),
        _T("address.postcode", "postcode", max_length=10, help="postcode (1234 AB of 1234AB)"),
        _T("address.woonplaats", "text", max_length=80, help="woonplaats"),
        _T("address.buurtcode", "buurtcode", max_length=12, personal=False, help="CBS-buurtcode BU########"),
    ]
}

BOOL_DEFAULTS = {
    "j": True,
    "ja": True,
    "y": True,
    "yes": True,
    "true": True,
    "waar": True,
    "1": True,
    "n": False,
    "nee": False,
    "no": False,
    "false": False,
    "onwaar": False,
    "0": False,
}


def allowed_codes(target: Target) -> set[str]:
    return vocab.codes(vocab.VOCABULARIES[target.vocabulary]) if target.vocabulary else set()
