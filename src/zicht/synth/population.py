"""Synthetic people, households and addresses, and how one mention of a person is observed.

A household is built for the kind of case it will feature in (a couple with children for
partner violence with children present, an elderly couple for ouderenmishandeling, …), so
that ages, surnames and relations are coherent. `observe` applies the noise model to one
mention; both the export writers and `people.person_records` use it, so benchmarks and
imports see the same kinds of errors.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .bsn import make_bsn
from .names import NamePools
from .noise import (
    Noise,
    format_postcode,
    has_diacritics,
    initials,
    phonetic_variant,
    strip_diacritics,
    swap_day_month,
    tussenvoegsel_variant,
    typo,
)


@dataclass(slots=True)
class Address:
    aid: int
    straat: str
    huisnummer: int
    toevoeging: str
    pc4: str
    letters: str
    woonplaats: str
    buurtcode: str

    @property
    def postcode(self) -> str:
        return f"{self.pc4}{self.letters}"


@dataclass(slots=True)
class Person:
    pid: int
    hid: int
    voornamen: str
    tussenvoegsel: str
    achternaam: str
    sex: str  # 'M' / 'V'
    dob: date
    bsn: str
    origin: str = "nl"
    married_name: tuple[str, str] | None = None  # husband's surname, used informally
    role: str = ""  # place in the household: ouder, partner, kind, oudere, volwassen_kind, huisgenoot


@dataclass(slots=True)
class Household:
    hid: int
    composition: str
    members: list[Person]
    address: Address | None = None
    moves: list[tuple[date, Address]] = field(default_factory=list)  # (from date, new address)
    ex_partner: Person | None = None  # lives elsewhere (own household id)

    def address_on(self, day: date) -> Address:
        current = self.address
        for since, addr in self.moves:
            if day >= since:
                current = addr
        return current

    def by_role(self, *roles: str) -> list[Person]:
        return [p for p in self.members if p.role in roles]


COMPOSITIONS = ("gezin", "eenoudergezin", "paar", "alleenstaand", "ouderen", "oudere_alleen", "ouders_volwassen_kind", "huisgenoten")


class PopulationFactory:
    """Makes coherent households; ids are sequential per run, so truth ids are stable per seed."""

    def __init__(self, rng: random.Random, pools: NamePools, ref_date: date):
        self.rng = rng
        self.pools = pools
        self.ref = ref_date
        self.next_pid = 1
        self.next_hid = 1
        self.bsns: set[str] = set()
        self.twins = 0
        # pairs of different people that look alike (truth for the linkage benchmarks): (pid, pid, kind)
        self.hard_pairs: list[tuple[int, int, str]] = []
        # share of families whose son carries his father's given names (jr./sr.); 0 keeps the data as before.
        # Decided per son by a hash of his id, so the random stream (and all other data) stays the same.
        self.same_name_sons = 0.0

    # -- people ---------------------------------------------------------------------------
    def _dob(self, age_min: float, age_max: float) -> date:
        age_days = int(self.rng.uniform(age_min, age_max) * 365.25)
        return date.fromordinal(self.ref.toordinal() - max(age_days, 1))

    def person(self, hid: int, sex: str, dob: date, surname: tuple[str, str], origin: str, role: str) -> Person:
        p = Person(
            pid=self.next_pid,
            hid=hid,
            voornamen=self.pools.voornamen(self.rng, origin, sex, dob.year),
            tussenvoegsel=surname[0],
            achternaam=surname[1],
            sex=sex,
            dob=dob,
            bsn=make_bsn(self.rng, self.bsns),
            origin=origin,
            role=role,
        )
        self.next_pid += 1
        return p

    def _name_son_after_father(self, father: Person, kids: list[Person]) -> None:
        """With ``same_name_sons``: the first son with the father's surname gets his given names."""
        if self.same_name_sons <= 0 or father.sex != "M":
            return
        son = next((k for k in kids if k.sex == "M" and (k.tussenvoegsel, k.achternaam) == (father.tussenvoegsel, father.achternaam)), None)
        if son is not None and (son.pid * 2654435761) % 10007 < self.same_name_sons * 10007:
            son.voornamen = father.voornamen
            self.hard_pairs.append((father.pid, son.pid, "parent_child_same_name"))

    def _new_hid(self) -> int:
        hid = self.next_hid
        self.next_hid += 1
        return hid

    def _couple(self, hid: int, origin: str, age_min: float, age_max: float, role: str) -> list[Person]:
        rng = self.rng
        man_dob = self._dob(age_min, age_max)
        gap_days = int(rng.gauss(2.5, 3.0) * 365.25)
        woman_dob = date.fromordinal(min(man_dob.toordinal() + gap_days, self.ref.toordinal() - int(age_min * 365)))
        if rng.random() < 0.03:  # same-sex couple
            sexes = ("V", "V") if rng.random() < 0.5 else ("M", "M")
        else:
            sexes = ("M", "V")
        a = self.person(hid, sexes[0], man_dob, self.pools.surname(rng, origin), origin, role)
        b = self.person(hid, sexes[1], woman_dob, self.pools.surname(rng, origin), origin, role)
        if sexes == ("M", "V"):
            b.married_name = (a.tussenvoegsel, a.achternaam)
        return [a, b]

    def _children(
        self, hid: int, mother_dob: date, surname: tuple[str, str], origin: str, count: int, max_age: float = 17.9, min_age: float = 0.1
    ) -> list[Person]:
        rng = self.rng
        kids = []
        mother_age = (self.ref - mother_dob).days / 365.25
        oldest_possible = min(max_age, mother_age - 19)
        if oldest_possible < min_age:
            oldest_possible = min_age + 0.5
        twin_done = False
        for _i in range(count):
            if kids and not twin_done and rng.random() < 0.04:
                twin = kids[-1]
                sex = rng.choice("MV")
                kid = self.person(hid, sex, twin.dob, surname, origin, "kind")
                while kid.voornamen.split()[0] == twin.voornamen.split()[0]:
                    kid.voornamen = self.pools.voornamen(rng, origin, sex, twin.dob.year)
                kids.append(kid)
                twin_done = True
                self.twins += 1
                self.hard_pairs.append((twin.pid, kid.pid, "twin"))
                continue
            kid_dob = self._dob(min_age, oldest_possible)
            kids.append(self.person(hid, rng.choice("MV"), kid_dob, surname, origin, "kind"))
        return kids

    # -- households -----------------------------------------------------------------------
    def household(self, composition: str, origin: str = "nl") -> Household:
        """A household of the given composition (see COMPOSITIONS)."""
        rng = self.rng
        hid = self._new_hid()
        members: list[Person]
        if composition == "gezin":
            parents = self._couple(hid, origin, 24, 52, "ouder")
            father_name = (parents[0].tussenvoegsel, parents[0].achternaam)
            n = rng.choices((1, 2, 3, 4), weights=(35, 40, 18, 7))[0]
            members = parents + self._children(hid, parents[1].dob, father_name, origin, n)
            self._name_son_after_father(parents[0], members[2:])
        elif composition == "eenoudergezin":
            sex = "V" if rng.random() < 0.85 else "M"
            parent = self.person(hid, sex, self._dob(22, 52), self.pools.surname(rng, origin), origin, "ouder")
            surname = (parent.tussenvoegsel, parent.achternaam) if rng.random() < 0.4 else self.pools.surname(rng, origin)
            n = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
            members = [parent] + self._children(hid, parent.dob, surname, origin, n)
        elif composition == "paar":
            members = self._couple(hid, origin, 20, 64, "partner")
        elif composition == "alleenstaand":
            sex = "V" if rng.random() < 0.7 else "M"
            members = [self.person(hid, sex, self._dob(19, 64), self.pools.surname(rng, origin), origin, "volwassene")]
        elif composition == "ouderen":
            members = self._couple(hid, origin, 67, 90, "oudere")
        elif composition == "oudere_alleen":
            sex = "V" if rng.random() < 0.7 else "M"
            members = [self.person(hid, sex, self._dob(70, 95), self.pools.surname(rng, origin), origin, "oudere")]
        elif composition == "ouders_volwassen_kind":
            if rng.random() < 0.6:
                parents = self._couple(hid, origin, 42, 70, "ouder")
                mother = parents[1]
            else:
                sex = "V" if rng.random() < 0.75 else "M"
                parents = [self.person(hid, sex, self._dob(40, 68), self.pools.surname(rng, origin), origin, "ouder")]
                mother = parents[0]
            surname = (parents[0].tussenvoegsel, parents[0].achternaam)
            kid = self._children(hid, mother.dob, surname, origin, 1, max_age=35, min_age=14)
            for k in kid:
                k.role = "volwassen_kind"
            members = parents + kid
        elif composition == "huisgenoten":
            surname = self.pools.surname(rng, origin)
            a = self.person(hid, rng.choice("MV"), self._dob(19, 60), surname, origin, "huisgenoot")
            other = surname if rng.random() < 0.5 else self.pools.surname(rng, origin)
            b = self.person(hid, rng.choice("MV"), self._dob(19, 60), other, origin, "huisgenoot")
            members = [a, b]
        else:
            raise ValueError(f"unknown composition {composition!r}")
        return Household(hid=hid, composition=composition, members=members)

    def ex_partner_for(self, household: Household, origin: str = "nl") -> Person:
        """An ex-partner of the household's (first) adult, living in a household of their own."""
        anchor = household.members[0]
        sex = "M" if anchor.sex == "V" else "V"
        hid = self._new_hid()
        dob = date.fromordinal(anchor.dob.toordinal() + int(self.rng.gauss(-2, 4) * 365.25))
        if (self.ref - dob).days < 18 * 365:
            dob = self._dob(18, 30)
        ex = self.person(hid, sex, dob, self.pools.surname(self.rng, origin), origin, "ex_partner")
        kids = household.by_role("kind")
        if kids and sex == "M" and self.rng.random() < 0.6:
            ex.tussenvoegsel, ex.achternaam = kids[0].tussenvoegsel, kids[0].achternaam
        household.ex_partner = ex
        return ex

    def outsider(self, origin: str = "nl") -> Person:
        """Someone outside the household (a private melder: neighbour, relative)."""
        hid = self._new_hid()
        return self.person(hid, self.rng.choice("MV"), self._dob(18, 80), self.pools.surname(self.rng, origin), origin, "extern")


@dataclass(slots=True)
class Observed:
    """One noisy mention of a person as a partner registered it."""

    voornamen: str
    tussenvoegsel: str
    achternaam: str
    geboortedatum: date | None
    geslacht: str
    bsn: str
    postcode: str
    huisnummer: int
    toevoeging: str
    straat: str
    woonplaats: str


def observe(person: Person, address: Address, source: str, rng: random.Random, noise: Noise, counts: Counter | None = None) -> Observed:
    """Apply the noise model to one mention; `counts` (if given) tallies the kinds applied."""

    def hit(kind: str, src: str | None = None) -> bool:
        if noise.hit(rng, kind, src):
            if counts is not None:
                counts[kind] += 1
            return True
        return False

    vn = person.voornamen
    if " " in vn and hit("first_voornaam_only", source):
        vn = vn.split(" ", 1)[0]
    tv, an = person.tussenvoegsel, person.achternaam
    if person.married_name and source in ("veilig_thuis", "advies", "wijkteam") and hit("married_name"):
        tv, an = person.married_name
    if (has_diacritics(an) or has_diacritics(vn)) and hit("diacritics_dropped"):
        an, vn = strip_diacritics(an), strip_diacritics(vn)
    if hit("typo_achternaam"):
        an = typo(an, rng)
    if hit("phonetic"):
        an = phonetic_variant(an, rng)
    if hit("typo_voornaam"):
        vn = typo(vn, rng)
    if tv and hit("tussenvoegsel_variant"):
        tv, an = tussenvoegsel_variant(tv, an, rng)
    if hit("initials_only", source):
        vn = initials(vn, all_names=rng.random() < 0.5)
    if hit("name_swap"):
        vn, an = an, vn
    dob: date | None = person.dob
    if hit("dob_missing", source):
        dob = None
    elif hit("dob_day_month_swap"):
        dob = swap_day_month(dob)
    bsn = "" if hit("bsn_missing", source) else person.bsn
    geslacht = "" if hit("geslacht_missing") else person.sex
    postcode = format_postcode(address.pc4, address.letters, space=not hit("postcode_no_space"), lower=hit("postcode_lower"))
    toevoeging = address.toevoeging
    if toevoeging and hit("toevoeging_dropped"):
        toevoeging = ""
    return Observed(vn, tv, an, dob, geslacht, bsn, postcode, address.huisnummer, toevoeging, address.straat, address.woonplaats)
