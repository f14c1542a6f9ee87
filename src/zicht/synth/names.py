"""Name pools for synthetic people: drawn once per run, then sampled with cumulative weights.

Calling Faker per row is far too slow for a million rows, so every run builds weighted pools
up front from Faker's nl_NL (and tr_TR) provider lists plus a few hand-made lists, and then
samples them with `random.Random.choices(cum_weights=...)`.

Surnames follow a long-tailed distribution: the most common Dutch surnames get their
approximate real share of the population (De Jong ≈ 0.5 %, see `COMMON_SURNAMES`), the rest is
a Zipf-like tail over Faker's list and generated toponymic/patronymic names, so that
'van den Berg' and 'de Vries' collide as often as they do in a real register.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from faker.providers.person.nl_NL import Provider as _NlPerson
from faker.providers.person.tr_TR import Provider as _TrPerson

# Tussenvoegsels, longest first so that 'van der' wins over 'van'.
TUSSENVOEGSELS = sorted(
    [
        "van",
        "de",
        "der",
        "den",
        "van de",
        "van der",
        "van den",
        "van het",
        "van 't",
        "het",
        "'t",
        "te",
        "ter",
        "ten",
        "op de",
        "op den",
        "op 't",
        "in 't",
        "in het",
        "in de",
        "uit de",
        "uit den",
        "aan de",
        "bij de",
        "onder de",
        "over de",
        "von",
        "le",
        "la",
        "el",
        "al",
        "d'",
    ],
    key=len,
    reverse=True,
)

# Approximate number of bearers (Nederlandse Familienamenbank, rounded; ⚠️ from memory) in a
# population of about 17 million: used as a share of the population, not as counts.
COMMON_SURNAMES: list[tuple[str, str, int]] = [
    ("de", "Jong", 86_500),
    ("", "Jansen", 75_000),
    ("de", "Vries", 73_500),
    ("van den", "Berg", 60_000),
    ("van", "Dijk", 57_000),
    ("", "Bakker", 56_000),
    ("", "Janssen", 55_000),
    ("", "Visser", 50_000),
    ("", "Smit", 47_000),
    ("", "Meijer", 44_000),
    ("de", "Boer", 42_000),
    ("", "Mulder", 41_000),
    ("de", "Groot", 40_000),
    ("", "Bos", 38_000),
    ("", "Vos", 35_000),
    ("", "Peters", 34_000),
    ("", "Hendriks", 34_000),
    ("van", "Leeuwen", 33_000),
    ("", "Dekker", 32_000),
    ("", "Brouwer", 31_000),
    ("de", "Wit", 30_000),
    ("", "Dijkstra", 29_000),
    ("", "Smits", 28_000),
    ("de", "Graaf", 28_000),
    ("van der", "Meer", 28_000),
]
NL_POPULATION = 17_000_000

# Moroccan-Dutch names in their usual Dutch transliteration (hand list; Faker has none).
MOROCCAN_SURNAMES = [
    ("el", "Amrani"),
    ("", "Bouzid"),
    ("el", "Idrissi"),
    ("", "Ouali"),
    ("", "Benali"),
    ("el", "Khattabi"),
    ("", "Bakkali"),
    ("", "Haddou"),
    ("", "Tahiri"),
    ("", "Ziani"),
    ("el", "Ouardi"),
    ("", "Azzouzi"),
    ("", "Belhaj"),
    ("", "Ait Taleb"),
    ("el", "Hamdaoui"),
    ("", "Boukhari"),
    ("", "Chaouch"),
    ("", "Lahlou"),
    ("", "Mansouri"),
    ("", "Essahli"),
    ("", "Bennani"),
    ("el", "Ghazali"),
    ("", "Amezian"),
    ("", "Bouali"),
    ("", "Talbi"),
]
MOROCCAN_MALE = [
    "Mohamed",
    "Ahmed",
    "Youssef",
    "Rachid",
    "Said",
    "Mustafa",
    "Karim",
    "Soufiane",
    "Bilal",
    "Ayoub",
    "Hamza",
    "Adam",
    "Mohammed",
    "Khalid",
    "Abdelkader",
    "Nordin",
]
MOROCCAN_FEMALE = [
    "Fatima",
    "Khadija",
    "Nadia",
    "Samira",
    "Imane",
    "Salma",
    "Yasmina",
    "Naima",
    "Malika",
    "Hafida",
    "Soukaina",
    "Meryem",
    "Noor",
    "Loubna",
    "Zineb",
    "Hanane",
]

# Given names of Dutch people born before about 1985 (Faker's nl_NL list is recent baby names).
TRADITIONAL_MALE = [
    "Johannes",
    "Cornelis",
    "Hendrik",
    "Petrus",
    "Jacobus",
    "Wilhelmus",
    "Gerrit",
    "Jan",
    "Pieter",
    "Adrianus",
    "Antonius",
    "Willem",
    "Dirk",
    "Hendrikus",
    "Martinus",
    "Franciscus",
    "Theodorus",
    "Marinus",
    "Gerardus",
    "Josephus",
    "Klaas",
    "Albertus",
    "Henk",
    "Kees",
    "Peter",
    "Marcel",
    "Erik",
    "Ronald",
    "Richard",
    "Robert",
    "Mark",
    "Paul",
    "Frank",
    "Rob",
    "Hans",
    "Ad",
]
TRADITIONAL_FEMALE = [
    "Maria",
    "Johanna",
    "Cornelia",
    "Elisabeth",
    "Anna",
    "Wilhelmina",
    "Catharina",
    "Hendrika",
    "Geertruida",
    "Adriana",
    "Petronella",
    "Jacoba",
    "Margaretha",
    "Helena",
    "Gerarda",
    "Antonia",
    "Ingrid",
    "Monique",
    "Linda",
    "Sandra",
    "Marian",
    "Petra",
    "Anita",
    "Annemarie",
    "Esther",
    "Wendy",
    "Miranda",
    "Yvonne",
    "Nicole",
    "Marjolein",
    "Karin",
    "Saskia",
]

_PATRONYMIC_ROOTS = [
    "Jan",
    "Pieter",
    "Gerrit",
    "Hendrik",
    "Willem",
    "Cornelis",
    "Dirk",
    "Klaas",
    "Jacob",
    "Albert",
    "Evert",
    "Harm",
    "Geert",
    "Roelof",
    "Wouter",
    "Lambert",
    "Maarten",
    "Teunis",
    "Thijs",
    "Joost",
    "Arend",
    "Aart",
    "Bart",
    "Frans",
    "Gijs",
    "Huib",
    "Kors",
    "Louw",
    "Reinier",
    "Sijmen",
    "Tijmen",
    "Wessel",
]
_PATRONYMIC_SUFFIXES = ["s", "se", "sen", "sz", "zen"]
_TOPO_A = [
    "Hoog",
    "Laag",
    "Oost",
    "West",
    "Noord",
    "Zuid",
    "Groen",
    "Rode",
    "Zand",
    "Steen",
    "Hout",
    "Molen",
    "Kerk",
    "Vlier",
    "Linde",
    "Eik",
    "Berken",
    "Wilgen",
    "Ooster",
    "Wester",
    "Brede",
    "Lange",
    "Korte",
    "Nieuw",
    "Oude",
    "Heide",
    "Klaver",
    "Riet",
    "Mos",
    "Hazel",
    "Beuken",
    "Elzen",
    "Roze",
    "Braken",
    "Ganze",
    "Haver",
    "Koren",
    "Vos",
    "Swaan",
    "Kraai",
    "Hamme",
    "Gelder",
    "Dussel",
    "Bommel",
    "Alphen",
]
_TOPO_B = [
    "dijk",
    "berg",
    "veen",
    "hoven",
    "beek",
    "donk",
    "kamp",
    "broek",
    "horst",
    "wijk",
    "velde",
    "heuvel",
    "laar",
    "bosch",
    "straten",
    "meer",
    "dam",
    "hoek",
    "hout",
    "land",
    "loo",
    "rode",
    "stein",
    "schot",
    "sloot",
    "graaf",
    "akker",
    "brugge",
    "water",
    "burg",
]
_TOPO_PREFIXES = ["", "", "", "van", "van", "van de", "van der", "van den", "ter", "ten", "te"]

_DUTCH_SHARE_COMMON = sum(n for _, _, n in COMMON_SURNAMES) / NL_POPULATION


def split_surname(full: str) -> tuple[str, str]:
    """Split 'van den Berg' into ('van den', 'Berg'); a name without tussenvoegsel gets ''."""
    lowered = full.lower()
    for tv in TUSSENVOEGSELS:
        if lowered.startswith(tv + " ") and len(full) > len(tv) + 1:
            rest = full[len(tv) + 1 :]
            return tv, rest[:1].upper() + rest[1:]
    return "", full


def full_surname(tussenvoegsel: str, achternaam: str) -> str:
    return f"{tussenvoegsel} {achternaam}" if tussenvoegsel else achternaam


@dataclass
class WeightedPool:
    """Items with cumulative weights, sampled with `random.Random.choices`."""

    items: list
    cum_weights: list[float] = field(default_factory=list)

    def draw(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum_weights, k=1)[0]

    def draw_many(self, rng: random.Random, k: int) -> list:
        return rng.choices(self.items, cum_weights=self.cum_weights, k=k)


def _cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _clean_faker_surnames() -> list[tuple[str, str]]:
    """Faker's nl_NL surnames minus the medieval/aristocratic oddities it also contains."""
    out = []
    for name in _NlPerson.last_names:
        if "," in name or "'" in name:
            continue
        tv, rest = split_surname(name)
        if " " in rest or len(rest) < 2 or not rest[0].isupper():
            continue
        out.append((tv, rest))
    return sorted(set(out))


def _generated_surnames() -> list[tuple[str, str]]:
    """Patronymic ('Gerritsen') and toponymic ('van Hoogveen') surnames to lengthen the tail."""
    out = [("", root + suf) for root in _PATRONYMIC_ROOTS for suf in _PATRONYMIC_SUFFIXES]
    for i, (a, b) in enumerate(itertools.product(_TOPO_A, _TOPO_B)):
        prefix = _TOPO_PREFIXES[i % len(_TOPO_PREFIXES)]
        out.append((prefix, a + b))
    return out


@dataclass
class NamePools:
    """All pools one run needs. Build once with `NamePools.build(seed)`."""

    dutch_surnames: WeightedPool
    turkish_surnames: WeightedPool
    moroccan_surnames: WeightedPool
    given: dict[tuple[str, str, str], list[str]]  # (origin, sex, era) -> names

    @classmethod
    def build(cls, seed: int) -> NamePools:
        rng = random.Random(f"names-{seed}")
        tail = _clean_faker_surnames() + _generated_surnames()
        common = {(tv, an) for tv, an, _ in COMMON_SURNAMES}
        tail = [n for n in dict.fromkeys(tail) if n not in common]
        rng.shuffle(tail)
        # Flat enough that no tail name outranks the 25th most common real surname.
        tail_weights = [1.0 / (rank + 300) for rank in range(len(tail))]
        tail_total = sum(tail_weights)
        scale = (1.0 - _DUTCH_SHARE_COMMON) / tail_total
        items = [(tv, an) for tv, an, _ in COMMON_SURNAMES] + tail
        weights = [n / NL_POPULATION for _, _, n in COMMON_SURNAMES] + [w * scale for w in tail_weights]
        tr = [("", n) for n in dict.fromkeys(_TrPerson.last_names)]
        given = {
            ("nl", "M", "modern"): list(dict.fromkeys(_NlPerson.first_names_male)),
            ("nl", "V", "modern"): list(dict.fromkeys(_NlPerson.first_names_female)),
            ("nl", "M", "traditional"): TRADITIONAL_MALE,
            ("nl", "V", "traditional"): TRADITIONAL_FEMALE,
            ("tr", "M", "modern"): list(dict.fromkeys(_TrPerson.first_names_male)),
            ("tr", "V", "modern"): list(dict.fromkeys(_TrPerson.first_names_female)),
            ("ma", "M", "modern"): MOROCCAN_MALE,
            ("ma", "V", "modern"): MOROCCAN_FEMALE,
        }
        for origin in ("tr", "ma"):
            for sex in ("M", "V"):
                given[(origin, sex, "traditional")] = given[(origin, sex, "modern")]
        return cls(
            dutch_surnames=WeightedPool(items, _cumulative(weights)),
            turkish_surnames=WeightedPool(tr, _cumulative([1.0 / (r + 5) for r in range(len(tr))])),
            moroccan_surnames=WeightedPool(MOROCCAN_SURNAMES, _cumulative([1.0 / (r + 5) for r in range(len(MOROCCAN_SURNAMES))])),
            given=given,
        )

    def surname(self, rng: random.Random, origin: str) -> tuple[str, str]:
        pool = {"tr": self.turkish_surnames, "ma": self.moroccan_surnames}.get(origin, self.dutch_surnames)
        return pool.draw(rng)

    def voornamen(self, rng: random.Random, origin: str, sex: str, birth_year: int) -> str:
        """One to three given names, as the BRP holds them ('Johannes Petrus')."""
        era = "traditional" if birth_year < 1985 else "modern"
        names = self.given[(origin, "V" if sex == "V" else "M", era)]
        count = 1 if origin != "nl" else rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
        chosen = [rng.choice(names)]
        for _ in range(count - 1):
            extra = rng.choice(names)
            if extra not in chosen:
                chosen.append(extra)
        return " ".join(chosen)
