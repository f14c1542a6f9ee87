"""Row formatting per partner file, exactly as docs/partner-exports.md describes.

Each `*_rows` function turns one event into the file's rows (long format: one row per
person involved) plus the truth for each row; the writers in `generate` stream them.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from .noise import Noise, free_address, initials
from .population import Address, Person, observe
from .scenario import POLICE_SOORT, VT_AARD_LABEL, Event, Party

POLITIE_HEADER = [
    "Registratienummer",
    "Pleegdatum",
    "Incidentsoort",
    "Relatie",
    "Geweldsvormen",
    "Letsel",
    "Wapen",
    "Huisverbod",
    "Kinderen aanwezig",
    "Rol",
    "BSN",
    "Voornamen",
    "Tussenvoegsel",
    "Achternaam",
    "Geslacht",
    "Geboortedatum",
    "Straat",
    "Huisnummer",
    "Toevoeging",
    "Postcode",
    "Woonplaats",
    "Buurtcode",
    "Mutatietekst",
]
VT_HEADER = [
    "vt_registratie_id",
    "soort",
    "datum_ontvangst",
    "aard_geweld",
    "vormen",
    "relatie_pleger_slachtoffer",
    "kinderen_betrokken",
    "hoedanigheid_melder",
    "rol",
    "bsn",
    "naam",
    "geboortedatum",
    "geslacht",
    "adres",
    "postcode",
    "woonplaats",
    "toelichting",
]
WIJKTEAM_HEADER = [
    "Signaal-ID",
    "Datum signaal",
    "Categorie",
    "Medewerker",
    "Telefoon medewerker",
    "Rol",
    "Achternaam",
    "Tussenvoegsel",
    "Voorletters",
    "Voornaam",
    "Geboortedatum",
    "BSN",
    "Adres",
    "Huisnummer",
    "Postcode",
]
ADRES_HEADER = ["postcode", "huisnummer", "toevoeging", "straat", "woonplaats", "buurtcode", "jaar"]
TRUTH_HEADER = ["source", "record_id", "row", "person_id", "household_id", "address_id", "role"]

POLICE_ROL = {"slachtoffer": "Slachtoffer", "pleger": "Verdachte", "kind": "Kind", "melder": "Melder", "betrokkene": "Betrokkene"}
_VORMEN = {
    "partner": (("lichamelijk", 50), ("psychisch", 45), ("seksueel", 5)),
    "ex_partner": (("psychisch", 55), ("lichamelijk", 40), ("seksueel", 5)),
    "km": (("lichamelijk", 35), ("psychisch", 25), ("verwaarlozing", 30), ("seksueel", 5), ("getuige", 5)),
    "gto": (("lichamelijk", 55), ("psychisch", 45)),
    "ouderen": (("psychisch", 35), ("lichamelijk", 25), ("verwaarlozing", 30), ("seksueel", 1)),
    "overig": (("lichamelijk", 50), ("psychisch", 50)),
}
_MUTATIE = [
    "Melding via 112 van ruzie en geschreeuw op het adres.",
    "Collega's ter plaatse gegaan na melding van buren.",
    "Betrokkenen apart gehoord; verklaringen lopen uiteen.",
    "Slachtoffer verklaarde dat er eerder incidenten zijn geweest.",
    "Verdachte was bij aankomst onder invloed van alcohol.",
    "Verdachte heeft de woning op verzoek verlaten.",
    "Kinderen waren tijdens het incident in de woning aanwezig.",
    "Slachtoffer wil geen aangifte doen; gewezen op Veilig Thuis.",
    "Aangifte opgenomen. Zorgmelding naar Veilig Thuis verzonden.",
    "RiHG ingevuld door hulpofficier van justitie.",
]
_TOELICHTING = [
    "Zorgen over de veiligheid van de kinderen in het gezin.",
    "Melder maakt zich zorgen na herhaalde ruzies.",
    "Eerder contact geweest met het wijkteam.",
    "Adviesvrager twijfelt of melden nodig is.",
    "Signalen van verwaarlozing op school opgemerkt.",
    "Politiemelding na incident; veiligheidsbeoordeling volgt.",
    "Oudere maakt een verwaarloosde indruk volgens de mantelzorger.",
    "Spanningen tussen ouder en volwassen kind lopen op.",
]
CATEGORIES = (
    ("zorg om veiligheid", 40),
    ("zorg om ontwikkeling", 20),
    ("opvoeding", 10),
    ("financiën", 10),
    ("huisvesting", 8),
    ("psychische gezondheid", 7),
    ("", 5),
)


def dmy(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def _weighted(rng: random.Random, table) -> str:
    items, weights = zip(*table)
    return rng.choices(items, weights=weights)[0]


def vormen(rng: random.Random, subtype: str, children: bool) -> list[str]:
    first = _weighted(rng, _VORMEN[subtype])
    out = [first]
    if rng.random() < 0.35:
        second = _weighted(rng, _VORMEN[subtype])
        if second not in out:
            out.append(second)
    if children and subtype in ("partner", "ex_partner") and "getuige" not in out and rng.random() < 0.6:
        out.append("getuige")
    return out


def _relation(parties: list[Party], rng: random.Random) -> str:
    for p in parties:
        if p.role == "pleger" and p.relation_to_victim:
            return p.relation_to_victim if rng.random() > 0.03 else "onbekend"
    return "onbekend"


def _truth(source: str, record_id: str, party: Party) -> tuple:
    return (source, record_id, party.person.pid, party.person.hid, party.address.aid if party.address else "", party.role)


def _empty_address() -> Address:
    return Address(0, "", 0, "", "", "", "", "")


def politie_rows(event: Event, record_id: str, rng: random.Random, noise: Noise, counts: Counter):
    kids = [p for p in event.parties if p.role == "kind"]
    household_kids = any(m.role == "kind" for m in event.case.household.members)
    if household_kids:
        aanwezig = "J" if (kids or rng.random() < 0.5) else "N"
    else:
        aanwezig = "N"
    if rng.random() < 0.05:
        aanwezig = ""
    forms = "|".join(vormen(rng, event.subtype, aanwezig == "J"))
    letsel = "J" if rng.random() < 0.3 else "N"
    wapen = "J" if rng.random() < 0.07 else "N"
    huisverbod = "J" if rng.random() < (0.08 if letsel == "J" else 0.02) else "N"
    record = [
        record_id,
        dmy(event.day),
        POLICE_SOORT[event.subtype],
        _relation(event.parties, rng),
        forms,
        letsel,
        wapen,
        huisverbod,
        aanwezig,
    ]
    text = " ".join(rng.sample(_MUTATIE, k=rng.randint(1, 3)))
    for party in event.parties:
        addr = party.address or _empty_address()
        o = observe(party.person, addr, "politie", rng, noise, counts)
        geslacht = o.geslacht or "O"
        buurt = addr.buurtcode if (party.address and rng.random() > min(1.0, 0.08 * noise.level)) else ""
        row = record + [POLICE_ROL[party.role], o.bsn, o.voornamen, o.tussenvoegsel, o.achternaam, geslacht, dmy(o.geboortedatum)]
        if party.address:
            row += [o.straat, str(o.huisnummer), o.toevoeging, o.postcode, o.woonplaats, buurt]
        else:
            row += ["", "", "", "", "", ""]
        row.append(text)
        yield row, _truth("politie", record_id, party)


def vt_name(first: str, tv: str, an: str, rng: random.Random) -> str:
    """The one-string name as typed: 'Jansen, Pieter', 'P. de Vries', 'Vries, P. de'."""
    form = rng.randrange(10)
    full = f"{tv} {an}".strip()
    if form <= 3:
        value = f"{full}, {first}" if first else full
    elif form <= 6:
        value = f"{first} {full}"
    elif form <= 8:
        value = f"{an}, {first} {tv}" if tv else f"{an}, {first}"
    else:
        value = f"{full.upper()}, {first}"
    return " ".join(value.replace(" ,", ",").split()).strip(", ")


def vt_rows(event: Event, record_id: str, rng: random.Random, noise: Noise, counts: Counter):
    children = any(p.role == "kind" for p in event.parties) or any(m.role == "kind" for m in event.case.household.members)
    if event.kind == "advies" and rng.random() < 0.10:
        aard = "Onbekend"
    else:
        aard = VT_AARD_LABEL[event.aard]
    kinderen = "ja" if children else "nee"
    if rng.random() < 0.05:
        kinderen = ""
    record = [
        record_id,
        event.kind,
        event.day.isoformat(),
        aard,
        ";".join(vormen(rng, event.subtype, children)),
        _relation(event.parties, rng),
        kinderen,
        event.melder,
    ]
    text = " ".join(rng.sample(_TOELICHTING, k=rng.randint(1, 2)))
    source = "advies" if event.kind == "advies" else "veilig_thuis"
    for party in event.parties:
        addr = party.address or _empty_address()
        o = observe(party.person, addr, source, rng, noise, counts)
        naam = vt_name(o.voornamen, o.tussenvoegsel, o.achternaam, rng)
        adres = free_address(o.straat, o.huisnummer, o.toevoeging, rng, noise) if party.address else ""
        postcode, woonplaats, dob, bsn = o.postcode if party.address else "", o.woonplaats, o.geboortedatum, o.bsn
        if event.identity == "partial":
            naam = o.achternaam if rng.random() < 0.5 else o.voornamen.split(" ")[0]
            dob, bsn, adres = None, "", "" if rng.random() < 0.5 else adres
            counts["advies_partial_identity"] += 1
        elif event.identity == "anonymous":
            naam, dob, bsn, adres, postcode = "", None, "", "", ""
            counts["advies_anonymous"] += 1
        row = record + [
            party.role,
            bsn,
            naam,
            dob.isoformat() if dob else "",
            o.geslacht,
            adres,
            postcode,
            woonplaats if party.address else "",
            text,
        ]
        yield row, _truth("veilig_thuis", record_id, party)


WIJKTEAM_ROL = {"kind": "Kind", "ouder": "Ouder", "volwassen_kind": "Gezinslid"}


def wijkteam_rows(
    event: Event, record_id: str, rng: random.Random, noise: Noise, counts: Counter, staff: list[tuple[str, str]], text_dates: bool
):
    """Rows of one signal; dates are `date` objects (Excel dates) unless written as text."""
    medewerker, telefoon = rng.choice(staff)
    category = _weighted(rng, CATEGORIES)
    day: date | str = event.day
    if text_dates or rng.random() < min(1.0, 0.03 * noise.level):
        day = dmy(event.day)
    client_done = False
    for party in event.parties:
        person: Person = party.person
        rol = WIJKTEAM_ROL.get(person.role)
        if rol is None:
            rol = "Gezinslid" if client_done else "Cliënt"
            client_done = True
        addr = party.address or _empty_address()
        o = observe(person, addr, "wijkteam", rng, noise, counts)
        voorletters = initials(person.voornamen)
        voornaam = "" if rng.random() < min(1.0, 0.35 * noise.level) else o.voornamen.split(" ")[0]
        dob: date | str | None = o.geboortedatum
        if dob is not None and (text_dates or rng.random() < min(1.0, 0.03 * noise.level)):
            dob = dmy(dob)
        if o.toevoeging:
            sep = rng.choice(("", " ", "-")) if o.toevoeging.isalpha() else rng.choice((" ", "-"))
            nr: int | str = f"{o.huisnummer}{sep}{o.toevoeging}"
        else:
            nr = o.huisnummer
        row = [
            record_id,
            day,
            category,
            medewerker,
            telefoon,
            rol,
            o.achternaam,
            o.tussenvoegsel,
            voorletters,
            voornaam,
            dob,
            o.bsn,
            o.straat,
            nr,
            o.postcode,
        ]
        yield row, _truth("wijkteam", record_id, party)
