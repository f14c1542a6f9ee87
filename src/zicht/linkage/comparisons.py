"""The comparisons and blocking rules of the person model, each written twice: SQL and Python.

Why twice: Splink scores the batch in DuckDB SQL; the incremental matcher scores
one new record in Python in a few milliseconds. Every level's SQL condition
and Python predicate express the same test (DuckDB's ``jaro_winkler_similarity``
and rapidfuzz's JaroWinkler give identical values; a test checks every level on
real pairs), so a record gets the same comparison vector either way.

Levels are ordered as Splink evaluates them: the first level whose condition
holds is the pair's level; the null level comes first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz.distance import JaroWinkler

from zicht.access.roles import N_

EPS = 1e-9  # both sides compare with the same tolerance so a float tie cannot flip a level


def jw(a, b) -> float:
    return JaroWinkler.similarity(a, b)


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    py: Callable[[dict, dict], bool]
    is_null: bool = False
    needs: tuple[str, ...] = ()  # feature columns that must hold data for this level to mean anything


@dataclass(frozen=True)
class Comparison:
    name: str  # Splink output_column_name
    label: str  # Dutch label for the review page
    columns: tuple[str, ...]  # feature columns the comparison needs (present in the data)
    levels: tuple[Level, ...] = field(default_factory=tuple)

    def gamma(self, left: dict, right: dict) -> int:
        """Splink's comparison vector value: -1 for the null level, else count down to 0 ('else')."""
        n = len(self.levels)
        for i, level in enumerate(self.levels):
            if level.is_null:
                if level.py(left, right):
                    return -1
                continue
            if level.py(left, right):
                return n - 1 - i
        raise AssertionError("the last level always matches")

    def restricted(self, present: set[str]) -> Comparison:
        """Drop levels whose columns hold no data at all here (FEBRL has no gender, fake data no postcode)."""
        levels = tuple(lv for lv in self.levels if lv.is_null or not lv.needs or set(lv.needs) <= present)
        return Comparison(self.name, self.label, self.columns, levels)

    def splink_dict(self) -> dict:
        return {
            "output_column_name": self.name,
            "comparison_description": self.label,
            "comparison_levels": [
                {"sql_condition": lv.sql, "label_for_charts": lv.label, **({"is_null_level": True} if lv.is_null else {})}
                for lv in self.levels
            ],
        }


def _null(*cols):
    sql = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in cols)
    return Level(N_("ontbreekt"), sql, lambda l, r: any(l[c] is None or r[c] is None for c in cols), is_null=True)


def _eq(c, label):
    return Level(label, f'"{c}_l" = "{c}_r"', lambda l, r: l[c] is not None and l[c] == r[c])


def _jw(c, t, label):
    return Level(
        label,
        f'jaro_winkler_similarity("{c}_l", "{c}_r") >= {t} - {EPS}',
        lambda l, r: l[c] is not None and r[c] is not None and jw(l[c], r[c]) >= t - EPS,
    )


ELSE = Level(N_("anders"), "ELSE", lambda l, r: True)


def _given_any(l, r):
    if l["given_all"] is None or r["given_all"] is None:
        return False
    return bool(set(l["given_all"].split(" ")) & set(r["given_all"].split(" ")))


# Given name and surname entered the other way round: one crossing is enough (an advies
# naming a child only as "Beau" files the word as the surname and has no given name to cross
# back). In the surname comparison the first part of the surname may meet the given name too:
# a swapped "Jan Albertus" becomes the surname "jan albertus". Requiring both crossings was
# tried (it stops "Louise van Landen" / "Landen van Kyara", mother and swapped daughter,
# from counting one crossing twice) but cost fake_20000 precision 0.98 → 0.84 under EM;
# the cluster veto keeps such a mother and daughter apart instead (their dates differ).
def _cross(l, r):
    return (l["sn_ph"] is not None and l["sn_ph"] == r["given_ph"]) or (l["sn_first"] is not None and l["sn_first"] == r["given1"])


_CROSS_LR = '("sn_ph_l" = "given_ph_r" OR "sn_first_l" = "given1_r")'
_CROSS_RL = '("sn_ph_r" = "given_ph_l" OR "sn_first_r" = "given1_l")'
SWAPPED_GIVEN = Level(
    N_("voornaam en achternaam verwisseld"),
    '"given_ph_l" = "sn_ph_r" OR "sn_ph_l" = "given_ph_r"',
    lambda l, r: (l["given_ph"] is not None and l["given_ph"] == r["sn_ph"]) or (l["sn_ph"] is not None and l["sn_ph"] == r["given_ph"]),
)
SWAPPED_SURNAME = Level(
    N_("voornaam en achternaam verwisseld"),
    f"{_CROSS_LR} OR {_CROSS_RL}",
    lambda l, r: _cross(l, r) or _cross(r, l),
)


GIVEN = Comparison(
    "voornaam",
    N_("Voornaam"),
    ("given1", "given_ph", "init1", "given_all", "sn_ph"),
    (
        _null("init1"),
        _eq("given1", N_("gelijk")),
        Level(
            N_("klinkt gelijk of bijna gelijk"),
            f'"given_ph_l" = "given_ph_r" OR jaro_winkler_similarity("given1_l", "given1_r") >= 0.92 - {EPS}',
            lambda l, r: (
                (l["given_ph"] is not None and l["given_ph"] == r["given_ph"])
                or (l["given1"] is not None and r["given1"] is not None and jw(l["given1"], r["given1"]) >= 0.92 - EPS)
            ),
        ),
        Level(
            N_("een andere voornaam gelijk"),
            "list_has_any(string_split(\"given_all_l\", ' '), string_split(\"given_all_r\", ' '))",
            _given_any,
        ),
        Level(
            N_("voorletter past bij voornaam"),
            '"init1_l" = "init1_r" AND ("given1_l" IS NULL OR "given1_r" IS NULL)',
            lambda l, r: l["init1"] == r["init1"] and (l["given1"] is None or r["given1"] is None),
        ),
        _jw("given1", 0.8, N_("lijkt op elkaar")),
        SWAPPED_GIVEN,
        ELSE,
    ),
)

SURNAME = Comparison(
    "achternaam",
    N_("Achternaam"),
    ("sn_core", "sn_compact", "sn_ph", "sn_first", "given_ph", "given1"),
    (
        _null("sn_core"),
        _eq("sn_compact", N_("gelijk (met tussenvoegsel)")),
        _eq("sn_core", N_("gelijk, ander of geen tussenvoegsel")),
        _eq("sn_ph", N_("klinkt gelijk")),
        Level(
            N_("een deel van een dubbele naam gelijk"),
            '"sn_first_l" = "sn_first_r"',
            lambda l, r: l["sn_first"] is not None and l["sn_first"] == r["sn_first"],
        ),
        _jw("sn_core", 0.92, N_("bijna gelijk")),
        _jw("sn_core", 0.8, N_("lijkt op elkaar")),
        SWAPPED_SURNAME,
        ELSE,
    ),
)


def _one_part(l, r):
    same = (l["dob_y"] == r["dob_y"]) + (l["dob_m"] == r["dob_m"]) + (l["dob_d"] == r["dob_d"])
    return same == 2


DOB = Comparison(
    "geboortedatum",
    N_("Geboortedatum"),
    ("dob", "dob_swap", "dob_y", "dob_m", "dob_d", "dob_days", "dob_yi"),
    (
        _null("dob"),
        _eq("dob", N_("gelijk")),
        _eq("dob_swap", N_("dag en maand verwisseld")),
        Level(
            N_("één deel anders (tikfout)"),
            '(CAST("dob_y_l" = "dob_y_r" AS INTEGER) + CAST("dob_m_l" = "dob_m_r" AS INTEGER)'
            ' + CAST("dob_d_l" = "dob_d_r" AS INTEGER)) = 2',
            _one_part,
        ),
        Level(
            N_("hooguit een maand verschil"),
            'abs("dob_days_l" - "dob_days_r") <= 31',
            lambda l, r: abs(l["dob_days"] - r["dob_days"]) <= 31,
        ),
        Level(
            N_("geboortejaar hooguit 2 verschil"),
            'abs("dob_yi_l" - "dob_yi_r") <= 2',
            lambda l, r: abs(l["dob_yi"] - r["dob_yi"]) <= 2,
        ),
        Level(
            N_("ander decennium, verder bijna gelijk"),  # 1989 typed as 1999: one digit, ten years
            'abs(abs("dob_days_l" - "dob_days_r") - 3652) <= 45',
            lambda l, r: abs(abs(l["dob_days"] - r["dob_days"]) - 3652) <= 45,
        ),
        ELSE,
    ),
)

GENDER = Comparison("geslacht", N_("Geslacht"), ("gender",), (_null("gender"), _eq("gender", N_("gelijk")), ELSE))


def _addr_null(l, r):
    return (l["pc"] is None or r["pc"] is None) and (l["city"] is None or r["city"] is None)


ADDRESS = Comparison(
    "adres",
    N_("Adres"),
    ("pc", "pc4", "hnr", "street", "city"),
    (
        Level(
            N_("ontbreekt"),
            '("pc_l" IS NULL OR "pc_r" IS NULL) AND ("city_l" IS NULL OR "city_r" IS NULL)',
            _addr_null,
            is_null=True,
        ),
        Level(
            N_("zelfde adres"),
            '"pc_l" = "pc_r" AND "hnr_l" = "hnr_r"',
            lambda l, r: l["pc"] is not None and l["pc"] == r["pc"] and l["hnr"] is not None and l["hnr"] == r["hnr"],
            needs=("pc", "hnr"),
        ),
        Level(
            N_("zelfde postcode of straat en huisnummer"),
            '"pc_l" = "pc_r" OR ("street_l" = "street_r" AND "hnr_l" = "hnr_r")',
            lambda l, r: (
                (l["pc"] is not None and l["pc"] == r["pc"])
                or (l["street"] is not None and l["street"] == r["street"] and l["hnr"] is not None and l["hnr"] == r["hnr"])
            ),
            needs=("pc",),
        ),
        Level(
            N_("zelfde woonplaats of postcodegebied"),
            '"city_l" = "city_r" OR "pc4_l" = "pc4_r"',
            lambda l, r: (l["city"] is not None and l["city"] == r["city"]) or (l["pc4"] is not None and l["pc4"] == r["pc4"]),
        ),
        _jw("city", 0.9, N_("woonplaats bijna gelijk (tikfout)")),
        ELSE,
    ),
)

EXTRA_ID = Comparison(
    "kenmerk",
    N_("Ander kenmerk (e-mail, nummer)"),
    ("xid",),
    (
        _null("xid"),
        _eq("xid", N_("gelijk")),
        Level(
            N_("bijna gelijk"),
            'levenshtein("xid_l", "xid_r") <= 2',
            lambda l, r: _lev(l["xid"], r["xid"]) <= 2,
        ),
        ELSE,
    ),
)


def _lev(a, b):
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


ALL_COMPARISONS = (GIVEN, SURNAME, DOB, GENDER, ADDRESS, EXTRA_ID)

# Conditions a blocking rule may add to its equalities (a rule part starting with "?"): the
# join still runs on the equal key columns (hash join, same blocks), the condition only
# keeps fewer of a block's pairs. SQL for Splink, Python for the incremental candidates.
CONDITIONS: dict[str, tuple[str, Callable[[dict, dict], bool]]] = {
    # one side has no given name or initial: a registration with a single name word (advies)
    "?one_without_given": ('(l."init1" IS NULL OR r."init1" IS NULL)', lambda l, r: l.get("init1") is None or r.get("init1") is None),
}


def rule_columns(rule) -> tuple[str, ...]:
    """The key columns of a blocking rule (its equalities), without its conditions."""
    return tuple(c for c in rule if not c.startswith("?"))


def rule_holds(rule, left: dict, right: dict) -> bool:
    """Whether a pair with equal key columns also meets the rule's conditions."""
    return all(CONDITIONS[c][1](left, right) for c in rule if c.startswith("?"))


def rule_needs(rule) -> set[str]:
    """Feature columns the rule reads: its key columns and those of its conditions."""
    return set(rule_columns(rule)) | ({"init1"} if any(c.startswith("?") for c in rule) else set())


# Blocking rules: equi-joins on feature columns, so the batch (Splink) and the
# incremental index (key lookups) generate exactly the same candidate pairs.
# Each rule targets one kind of error the others miss.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("sn_ph", "dob"),  # typo or variant in the given name
    ("given_ph", "dob"),  # typo, marriage name or missing prefix in the surname
    ("sn_ph", "dob_swap"),  # day and month swapped
    ("nameset", "dob_y"),  # wrong day or month; names swapped
    ("nameset", "pc4"),  # wrong year, same area
    ("pc", "hnr", "init1"),  # same address: surname and date both noisy
    ("dob", "pc"),  # names unreadable, same birth date and postcode
    ("sn_ph", "init1", "dob_m", "dob_d"),  # wrong year, same birthday
    ("dob", "city"),  # names unreadable, same birth date and place
    ("nameset", "city"),  # date missing or wrong, same names in the same place
    ("pc", "hnr", "sn_ph", "?one_without_given"),  # advies naming one person by surname only, at the address
    ("pc", "hnr", "word_ph"),  # ... by given name only (parsed as the surname), or same given name at one address
    ("sn_ph", "dob_y", "city"),  # wrong day and month, same place
    ("given_ph", "dob_y", "city"),  # surname changed or garbled, same place
    ("xid",),  # an extra identifier (e-mail, number) where the source has one
    ("xid_pre",),  # ... with a typo in its second half
    ("xid_suf",),  # ... with a typo in its first half
    ("xid_local",),  # ... an e-mail address with the same mailbox name, another or garbled domain
    ("bsn_hash",),  # equal BSN: always compared
)


# Wider rules for sources with many missing or garbled fields. Their blocks are large in a
# big registry with common names (measured on 200,000 Dutch synthetic records: "date + first
# initial" alone gives 2.2 pairs per record), so each is used only where it stays within the
# pair budget on the data being trained (``extra_rules_within_budget``); the chosen rules
# are stored with the model, so the incremental matcher uses exactly the same ones.
EXTRA_RULES: tuple[tuple[str, ...], ...] = (
    ("dob",),  # both names missing or garbled
    ("nameset",),  # date wrong in two or three parts
    ("dob", "init1"),  # surname missing or garbled, given name written differently
    ("nameset", "dob_m"),  # wrong year and day, names in either order
    ("sn_pre", "given_pre"),  # typos late in both names, date wrong
    ("given_ph", "sn_pre"),  # typo in the surname, date wrong
    ("sn_ph", "given_pre"),  # typo in the given name, date wrong
    ("given_ph", "city"),  # surname and date noisy, same place
    ("sn_ph", "city"),  # given name and date noisy, same place
    ("sn_ph", "dob_y"),  # given name and birthday noisy
    ("given_ph", "dob_y"),  # surname and birthday noisy
)


def block_pairs(codes) -> int:
    """Pairs an equi-join on a key generates, from the key's codes (-1 = missing, never joins)."""
    import numpy as np

    codes = np.asarray(codes)
    counts = np.bincount(codes[codes >= 0])
    return int((counts * (counts - 1) // 2).sum())


def present_comparisons(columns: set[str]) -> tuple[Comparison, ...]:
    """The comparisons whose key column has any value in this data (FEBRL has no gender, fake data no postcode)."""
    key = {"voornaam": "given1", "achternaam": "sn_core", "geboortedatum": "dob", "geslacht": "gender", "adres": "pc", "kenmerk": "xid"}
    out = []
    for comp in ALL_COMPARISONS:
        if comp.name == "adres":
            if {"pc", "city"} & columns:
                out.append(comp)
        elif key[comp.name] in columns:
            out.append(comp)
    return tuple(out)


def present_rules(columns: set[str], rules=BLOCKING_RULES) -> tuple[tuple[str, ...], ...]:
    return tuple(rule for rule in rules if set(rule_columns(rule)) <= columns)


def model_comparisons(params) -> tuple[Comparison, ...]:
    """The comparisons of a trained model with exactly its levels (same labels, same order, same gammas)."""
    by_name = {c.name: c for c in ALL_COMPARISONS}
    out = []
    for name in params.comparisons:
        comp = by_name[name]
        labels = set(params.labels[name].values())
        out.append(Comparison(comp.name, comp.label, comp.columns, tuple(lv for lv in comp.levels if lv.label in labels)))
    return tuple(out)
