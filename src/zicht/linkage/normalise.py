"""Comparison-level normalisation of Dutch names and dates (pure functions, no Django).

Why this exists: partners write the same person differently — "Pieter de Vries",
"P. de Vries", "Vries, P. de", "Piet Devries", "Meijer"/"Meyer"/"Mijer",
"12-03-1985" vs "03-12-1985". Splink's generic comparisons treat these as
disagreements; the features below make them agree where a Dutch reader would.
Parsing a full free-text name into parts is the registry's job
(``zicht.registry.domain.names``); this module only normalises parts for comparison.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from zicht.registry.domain import names

# Dutch (and common Dutch-resident) surname prefixes: the registry's list (one list for both),
# longest first so that "van der" wins over "van". Lower-case, apostrophes normalised to "'".
TUSSENVOEGSELS = sorted(names.TUSSENVOEGSELS, key=lambda s: (-len(s), s))
_TV_SET = set(TUSSENVOEGSELS)
_TV_FIRST_WORDS = {tv.split()[0] for tv in TUSSENVOEGSELS}


# letters NFKD does not decompose
_SPECIAL = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D"}
)


_QUOTES = re.compile(r"[`´‘’ʼ]")
_NOT_NAME = re.compile(r"[^a-z' \-.]")
_HYPHEN = re.compile(r"\s*-\s*")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=262144)
def fold(text: str | None) -> str:
    """Lower case, accents removed, apostrophes unified, only letters, spaces, hyphens, apostrophes.

    Cached: names and places repeat, and a million-record run folds each distinct value once.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", str(text).translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _QUOTES.sub("'", text)
    text = _NOT_NAME.sub(" ", text)
    text = text.replace(".", " ")
    text = _HYPHEN.sub("-", text)
    return _SPACES.sub(" ", text).strip(" -")


# Generation markers: "Jan jr.", "de Vries sr.". They tell a father and a son with the same
# names apart, so they are read off as a feature and kept out of the name comparisons.
# "de jonge"/"de oude" are not read: "de Jonge" is a common surname.
GENERATION_WORDS = {"jr": "jr", "jun": "jr", "junior": "jr", "sr": "sr", "sen": "sr", "senior": "sr"}


def generation_marker(*texts: str | None) -> str:
    """'jr', 'sr' or '' from the words of a name field ("Jan jr.", "Vries sr., de")."""
    for text in texts:
        for word in fold(text).split():
            if word in GENERATION_WORDS:
                return GENERATION_WORDS[word]
    return ""


def _without_generation(words: list[str]) -> list[str]:
    kept = [w for w in words if w not in GENERATION_WORDS]
    return kept if kept else words


def _leading_prefix(words: list[str]) -> tuple[str, list[str]]:
    """Split the longest tussenvoegsel off the front of ``words``."""
    for n in (3, 2, 1):
        if len(words) > n and " ".join(words[:n]) in _TV_SET:
            return " ".join(words[:n]), words[n:]
    return "", words


def split_surname(achternaam: str | None, tussenvoegsel: str | None = "") -> tuple[str, str]:
    """(tussenvoegsel, core surname) for comparison: "de Vries" / ("de", "Vries") / "Vries, de" → ("de", "vries").

    The core keeps hyphenated double names whole ("berg-de jong" → "berg-de jong");
    a separately given tussenvoegsel wins over one found inside the surname.
    """
    tv = fold(tussenvoegsel)
    name = fold(achternaam)
    if not name:
        return tv, ""
    if "," in (achternaam or ""):
        # "Vries, de" or "Vries, P. de": the part after the comma that is a prefix belongs to the surname
        head, _, tail = str(achternaam).partition(",")
        tail_words = fold(tail).split()
        trailing = [w for w in tail_words if w in _TV_FIRST_WORDS or w in _TV_SET]
        name = fold(head)
        if trailing and not tv:
            tv = " ".join(trailing)
    words = _without_generation(name.split())
    name = " ".join(words)
    prefix, rest = _leading_prefix(words)
    if prefix and rest:
        tv = tv or prefix
        name = " ".join(rest)
    return tv, name.replace("'", "")


def surname_first_part(core: str) -> str:
    """The first of a double surname ("jansen-de boer" → "jansen"): women often report only one."""
    return re.split(r"[- ]", core, maxsplit=1)[0] if core else ""


def surname_compact(tussenvoegsel: str, core: str) -> str:
    """Prefix and core without spaces: "de vries" and "devries" become equal."""
    return re.sub(r"[^a-z]", "", f"{tussenvoegsel}{core}")


def given_tokens(voornamen: str | None) -> list[str]:
    """Given names as tokens; initials such as "P.J." become ["p", "j"]."""
    text = fold(voornamen).replace("-", " ")
    tokens: list[str] = []
    for word in _without_generation(text.split()):
        word = word.replace("'", "")
        if not word:
            continue
        # "pj" written without dots is ambiguous; treat only 1-letter words as initials
        tokens.append(word)
    # "van de Wouter", "de W.": a tussenvoegsel typed before the given names ("Molendam, van de,
    # Wouter") belongs to the surname; one-letter words stay, they are initials ("V. de Jong")
    while len(tokens) > 1 and len(tokens[0]) > 1 and tokens[0] in _TV_FIRST_WORDS:
        tokens.pop(0)
    return tokens


def first_given(voornamen: str | None) -> str:
    """The first given name if written out, else '' (an initial alone is not a name)."""
    tokens = given_tokens(voornamen)
    return tokens[0] if tokens and len(tokens[0]) > 1 else ""


def initials(voornamen: str | None) -> str:
    """Initials of all given names: "Pieter Jan" → "pj", "P.J." → "pj"."""
    return "".join(t[0] for t in given_tokens(voornamen))


def _dedupe_letters(text: str) -> str:
    return re.sub(r"(.)\1+", r"\1", text)


# Ordered rewrite rules for Dutch spelling variants. Each maps spellings a Dutch
# speaker pronounces (nearly) the same onto one form.
_PHONETIC_RULES: list[tuple[str, str]] = [
    (r"[^a-z]", ""),
    (r"^ph", "f"),
    (r"ph", "f"),
    (r"th", "t"),
    (r"sch", "s"),
    (r"ch", "g"),
    (r"gh", "g"),
    (r"ck", "k"),
    (r"c(?=[eiy])", "s"),
    (r"c", "k"),
    (r"qu", "kw"),
    (r"q", "k"),
    (r"x", "ks"),
    (r"uy", "ui"),
    (r"eij", "ei"),
    (r"ij", "ei"),
    (r"y", "ei"),
    (r"ey", "ei"),
    (r"ae", "a"),
    (r"ou", "au"),
    (r"uw", "au"),
    (r"aau", "au"),
    (r"oe", "u"),
    (r"ie", "i"),
    (r"dt$", "t"),
    (r"d$", "t"),
    (r"z", "s"),
    (r"v", "f"),
    (r"w", "v"),
    (r"(?<=[^aeiou])h", ""),
]


_PHONETIC_COMPILED = [(re.compile(p), r) for p, r in _PHONETIC_RULES]


@lru_cache(maxsize=262144)
def phonetic_nl(text: str | None) -> str:
    """A phonetic key for Dutch spelling: Meijer/Meyer/Mijer, Jansen/Janssen/Janszen, Pieterse/Pietersze agree."""
    key = fold(text)
    if not key:
        return ""
    for pattern, repl in _PHONETIC_COMPILED:
        key = pattern.sub(repl, key)
    key = _dedupe_letters(key)
    # "eei" after ij→ei on "eij" spellings, and "ei" vs "e" before "i"
    key = key.replace("eei", "ei")
    return key


_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), ("y", "m", "d")),
]


def parse_dob(text: str | date | None) -> str:
    """ISO date string from the formats partners use ('' when unreadable or impossible)."""
    if text is None or text == "":
        return ""
    if isinstance(text, date):
        return text.isoformat()
    value = str(text).strip()
    for pattern, order in _DATE_PATTERNS:
        match = pattern.match(value)
        if not match:
            continue
        parts = dict(zip(order, (int(g) for g in match.groups())))
        try:
            return date(parts["y"], parts["m"], parts["d"]).isoformat()
        except ValueError:
            return ""
    return ""


def dob_swap_key(iso: str) -> str:
    """Year plus day and month in sorted order: equal for a date and its day/month swap."""
    if len(iso) != 10:
        return ""
    y, m, d = iso[:4], iso[5:7], iso[8:10]
    lo, hi = sorted((m, d))
    return f"{y}{lo}{hi}"


def dob_variant(left: str, right: str) -> str:
    """How two ISO birth dates relate: 'exact', 'swap', 'one_part', 'typo', 'year' or 'different'.

    Used both to document levels and in tests; the SQL levels in ``engine`` express the same.
    """
    if not left or not right:
        return "null"
    if left == right:
        return "exact"
    if dob_swap_key(left) == dob_swap_key(right) and left[:4] == right[:4]:
        return "swap"
    same = sum(a == b for a, b in ((left[:4], right[:4]), (left[5:7], right[5:7]), (left[8:10], right[8:10])))
    if same == 2:
        return "one_part"
    if damerau_le1(left.replace("-", ""), right.replace("-", "")):
        return "typo"
    if left[:4] == right[:4]:
        return "year"
    return "different"


def damerau_le1(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or adjacent transposition turns a into b."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    return any(a == b[:i] + b[i + 1 :] for i in range(len(b)))


def normalise_gender(value: str | None) -> str:
    """'m', 'v' or '' — O/X/unknown carry no linkage evidence."""
    v = fold(value)[:1]
    return {"m": "m", "v": "v", "f": "v", "w": "v"}.get(v, "")


def normalise_postcode(value: str | None) -> str:
    """'5038 ab' → '5038AB'; anything that is not a Dutch PC6 or PC4 stays as digits/letters upper-cased."""
    return re.sub(r"[^0-9A-Za-z]", "", str(value or "")).upper()
