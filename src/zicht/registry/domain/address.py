"""Dutch addresses: postcode, huisnummer, toevoeging, the canonical address key and free
address strings.

Why a canonical key: partners write the same address as "Korvelseweg 12 a",
"korvelse weg 12-A" or "5021 ab, 12A". The key ``PC6|huisnummer|TOEVOEGING`` (postcode
without space, upper case; huisnummer as integer; huisletter and huisnummertoevoeging
upper case without separators) makes them one address and is what the address register
(BAG / CBS 'buurt per postcode-huisnummer') is joined on. The street is not in the key:
spelling varies, the postcode and number do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class AddressError(ValueError):
    """An address part cannot be read. The message names the part, never the value."""


_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s*([A-Za-z]{2})$")
# PostNL does not issue the letter combinations SA, SD and SS.
_UNUSED_LETTERS = {"SA", "SD", "SS"}
_TOEVOEGING_STRIP = str.maketrans("", "", " -/.\t")
TOEVOEGING_MAX = 10


def normalise_postcode(text: str) -> str:
    """'5021 ab' → '5021AB'. Raises AddressError for anything that is not a Dutch PC6."""
    match = _POSTCODE.match(text.strip())
    if not match:
        raise AddressError("ongeldige postcode (verwacht 4 cijfers en 2 letters, bijv. 1234 AB)")
    letters = match.group(2).upper()
    if letters in _UNUSED_LETTERS:
        raise AddressError("ongeldige postcode (lettercombinatie SA, SD en SS bestaat niet)")
    return match.group(1) + letters


def normalise_toevoeging(text: str) -> str:
    """'a' → 'A', '-II' → 'II', 'A bis' → 'ABIS', ' hs' → 'HS'; empty stays empty."""
    value = text.translate(_TOEVOEGING_STRIP).upper()
    if not value:
        return ""
    if not value.isalnum():
        raise AddressError("toevoeging bevat ongeldige tekens")
    if len(value) > TOEVOEGING_MAX:
        raise AddressError("toevoeging is te lang")
    return value


_HUISNUMMER = re.compile(r"^\s*(\d{1,5})(?!\d)\s*(?:[-/]\s*)?(.*?)\s*$")


def split_huisnummer(text: str) -> tuple[int, str]:
    """'12' → (12, ''), '12a' → (12, 'A'), '12-II' → (12, 'II'), '12 hs' → (12, 'HS')."""
    match = _HUISNUMMER.match(text)
    if not match:
        raise AddressError("ongeldig huisnummer (verwacht een getal, eventueel met toevoeging)")
    number = int(match.group(1))
    if number < 1 or number > 99999:
        raise AddressError("ongeldig huisnummer (buiten 1–99999)")
    return number, normalise_toevoeging(match.group(2))


def address_key(postcode: str, huisnummer: int, toevoeging: str = "") -> str:
    """The canonical key 'PC6|huisnummer|TOEVOEGING' from already normalised parts."""
    return f"{postcode}|{huisnummer}|{toevoeging}"


def make_address_key(postcode: str, huisnummer: str | int, toevoeging: str = "") -> str:
    """The canonical key from raw parts (normalises each; raises AddressError)."""
    pc = normalise_postcode(postcode)
    if isinstance(huisnummer, int):
        number, extra = huisnummer, ""
    else:
        number, extra = split_huisnummer(huisnummer)
    tv = normalise_toevoeging(toevoeging) if toevoeging else ""
    return address_key(pc, number, (extra + tv) if extra and tv and extra != tv else (tv or extra))


@dataclass(frozen=True)
class StreetAddress:
    straat: str
    huisnummer: int
    toevoeging: str


def parse_address(text: str) -> StreetAddress:
    """Split a free address string into straat, huisnummer and toevoeging.

    'Korvelseweg 12 a' / 'korvelse weg 12-A' / 'Korvelseweg 12A bis' / 'Korvelseweg 12 hs' /
    '1e Jacob van Campenstraat 3-II'. The street is kept as written (whitespace collapsed):
    it is not part of the address key.
    """
    cleaned = " ".join(text.split()).strip(" ,")
    if not cleaned:
        raise AddressError("adres is leeg")
    # The first number group after a street with letters that leaves a valid toevoeging
    # is the house number: "Kerkstraat 5 2 hoog" is 5 / 2HOOG. A street name that ends in
    # a number of its own ("Plein 1944 12") is therefore read as 1944 / 12: give such
    # addresses in separate columns (address.straat / address.huisnummer) instead.
    best = next(_iter_candidates(cleaned), None)
    if best is None:
        raise AddressError("adres niet te ontleden (verwacht 'straat huisnummer toevoeging')")
    straat, nummer, rest = best
    number = int(nummer)
    if number < 1:
        raise AddressError("ongeldig huisnummer (buiten 1–99999)")
    return StreetAddress(straat=straat, huisnummer=number, toevoeging=normalise_toevoeging(rest or ""))


_NUMBER_GROUP = re.compile(r"(?<=\s)(\d{1,5})(?!\d)")
_REST = re.compile(r"^\s*(?:[-/]\s*)?([A-Za-z0-9][A-Za-z0-9 .\-/]*)?\s*$")


def _iter_candidates(text: str):
    """Yield (straat, nummer, rest) for every number group that could be the house number."""
    for match in _NUMBER_GROUP.finditer(text):
        straat = text[: match.start()].rstrip().rstrip(",").rstrip()
        if not straat or straat[-1] in "-/" or not any(ch.isalpha() for ch in straat):
            continue
        rest = _REST.match(text[match.end() :])
        if rest is None:
            continue
        tail = rest.group(1) or ""
        try:
            tv = normalise_toevoeging(tail)
        except AddressError:
            continue
        # A toevoeging of only digits longer than 4 is a second number, not a toevoeging.
        if tv.isdigit() and len(tv) > 4:
            continue
        yield straat, match.group(1), tail
