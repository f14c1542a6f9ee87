"""Splitting a free full-name string into voornamen, voorletters, tussenvoegsel and achternaam.

Why: Veilig Thuis case workers type a person's name as one string in whatever order they
are used to ("Jansen, Pieter", "P. de Vries", "Vries, P. de", "Pieter van der Berg").
Linkage compares names part by part, so the registry stores the parts. The rules follow
Dutch naming: the tussenvoegsel (voorvoegsel of the geslachtsnaam) is written in lower
case between given names and surname, and is sorted after the surname ("Vries, P. de").

Outputs, so that comparison code can rely on them:
- ``voornamen``: the given names as written (whitespace collapsed), '' when only initials.
- ``voorletters``: upper-case initials with a dot each, 'P.J.'; derived from the voornamen
  when those are given ('Anne-Marie Pieter' → 'A.P.').
- ``tussenvoegsel``: lower case, single spaces ('van der', "in 't").
- ``achternaam``: the core surname as written, double names kept whole ('Jansen-de Vries').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Surname prefixes as they occur in Dutch registrations (including the Arabic article
# 'el'/'al' and Romance prefixes common among Dutch residents). Single words; multi-word
# prefixes ('van der', "in 't") are runs of these.
VOORVOEGSELS = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "te",
        "ter",
        "ten",
        "in",
        "op",
        "aan",
        "bij",
        "uit",
        "'s",
        "d'",
        "l'",
        "la",
        "le",
        "les",
        "du",
        "des",
        "da",
        "dos",
        "do",
        "di",
        "del",
        "della",
        "von",
        "zu",
        "vom",
        "dem",
        "el",
        "al",
        "onder",
        "over",
        "voor",
        "vd",
    }
)
# Tussenvoegsels as whole strings: the single words above, the runs of them that occur as one
# tussenvoegsel, and the abbreviations partners type ("vd", "v.d.", "v/d", "v.", "v.h.", after
# folding). One list for the registry and for linkage (``zicht.linkage.normalise`` compares
# surnames with it); the parser above splits on the single words only.
TUSSENVOEGSEL_REEKSEN = frozenset(
    {
        "van de",
        "van der",
        "van den",
        "van het",
        "van 't",
        "van 's",
        "in de",
        "in den",
        "in het",
        "in 't",
        "op de",
        "op den",
        "op het",
        "op 't",
        "aan de",
        "aan den",
        "aan het",
        "bij de",
        "uit de",
        "uit den",
        "uit het",
        "van de la",
        "von der",
        "von dem",
        "de la",
        "de las",
        "de los",
        "van ter",
        "onder de",
        "over de",
        "voor de",
        "voor den",
    }
)
AFGEKORTE_TUSSENVOEGSELS = frozenset({"vander", "vanden", "vd", "v d", "vdn", "v", "d", "vh", "v h"})
TUSSENVOEGSELS = VOORVOEGSELS | TUSSENVOEGSEL_REEKSEN | AFGEKORTE_TUSSENVOEGSELS
# Words that only count as a prefix after another prefix ('van de', 'in den'), never alone
# at the start of the surname part where they could be a real name ('Over', 'Voor').
_ONLY_INSIDE = frozenset({"onder", "over", "voor", "aan", "bij", "in", "op", "uit"})

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_INITIALS = re.compile(r"^(?:[A-Za-zÀ-ÿ]\.?)+$")


@dataclass(frozen=True)
class PersonName:
    voornamen: str = ""
    voorletters: str = ""
    tussenvoegsel: str = ""
    achternaam: str = ""


def split_name(text: str) -> PersonName:
    """Split one free full-name string. Never raises: an unparseable string becomes the achternaam."""
    cleaned = " ".join(text.translate(_APOSTROPHES).split()).strip(" ,")
    if not cleaned:
        return PersonName()
    if "," in cleaned:
        surname_part, _, given_part = cleaned.partition(",")
        surname_words = surname_part.split()
        given_words = given_part.replace(",", " ").split()
        # 'Vries, P. de': trailing prefixes of the given part belong to the surname.
        trailing: list[str] = []
        while given_words and _is_prefix(given_words[-1]):
            trailing.insert(0, given_words.pop())
        # 'Vries, de, Pieter' / 'VRIES, DE, P.': prefixes before the given names belong to the surname too.
        before: list[str] = []
        while len(given_words) > 1 and _is_prefix(given_words[0]):
            before.append(given_words.pop(0))
        leading, core = _leading_prefix(surname_words)
        if trailing and not given_words and not leading and len(surname_words) > 1:
            # 'Pieter Vries, de': given name and surname before the comma, only the prefix after it
            return _with_given(surname_words[:-1], " ".join(trailing), surname_words[-1])
        tussenvoegsel = " ".join(trailing or before or leading)
        achternaam = " ".join(core if core else surname_words)
        return _with_given(given_words, tussenvoegsel, achternaam)

    words = cleaned.split()
    if len(words) == 1:
        return PersonName(achternaam=words[0])
    # Given names run until the first prefix that is followed by a non-prefix word.
    for i, word in enumerate(words):
        if i > 0 and _is_double_name_start(word):
            return _with_given(words[:i], "", " ".join(words[i:]))
        if _is_prefix(word) and i < len(words) - 1 and (i > 0 or word.lower() not in _ONLY_INSIDE):
            rest = words[i:]
            leading, core = _leading_prefix(rest)
            if core:
                return _with_given(words[:i], " ".join(leading), " ".join(core))
    # No prefix: initials at the front are voorletters; otherwise the last word is the surname.
    return _with_given(words[:-1], "", words[-1])


def _is_prefix(word: str) -> bool:
    return word.lower() in VOORVOEGSELS


def _is_double_name_start(word: str) -> bool:
    """'Jansen-de' in 'Jansen-de Vries': a double surname whose second part has a prefix."""
    head, sep, tail = word.rpartition("-")
    return bool(sep and head and tail.lower() in VOORVOEGSELS)


def _leading_prefix(words: list[str]) -> tuple[list[str], list[str]]:
    """Split the run of prefix words off the front, keeping at least one surname word."""
    n = 0
    while n < len(words) - 1 and _is_prefix(words[n]):
        n += 1
    return [w.lower() for w in words[:n]], words[n:]


def _with_given(given_words: list[str], tussenvoegsel: str, achternaam: str) -> PersonName:
    initials_only = bool(given_words) and all(_looks_like_initials(w) for w in given_words)
    if initials_only:
        letters = "".join(ch for w in given_words for ch in w if ch.isalpha())
        return PersonName("", _dotted(letters), tussenvoegsel.lower(), achternaam)
    voornamen = " ".join(given_words)
    return PersonName(voornamen, initials_of(voornamen), tussenvoegsel.lower(), achternaam)


def _looks_like_initials(word: str) -> bool:
    """'P.', 'P.J.', 'PJ' (capitals, at most 3) are initials; 'Pieter' and 'Jo' are not."""
    if "." in word:
        return bool(_INITIALS.match(word))
    if not word.isalpha():
        return False
    return len(word) == 1 or (word.isupper() and len(word) <= 3)


def initials_of(voornamen: str) -> str:
    """'Anne-Marie Pieter' → 'A.P.'; '' → ''."""
    return _dotted("".join(w[0] for w in voornamen.split() if w[0].isalpha()))


def normalise_voorletters(text: str) -> str:
    """'p.j', 'P J', 'PJ.' → 'P.J.' (for a separate Voorletters column)."""
    return _dotted("".join(ch for ch in text if ch.isalpha()))


def _dotted(letters: str) -> str:
    return "".join(f"{ch.upper()}." for ch in letters)
