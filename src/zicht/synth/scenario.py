"""Cases and their timelines: which household is reported by whom, when, and about what.

A case is one household with a primary aard geweld (see `calibration`). It yields events
(police incidents, VT meldingen and adviezen, wijkteam signals) whose participants are the
household's members, an ex-partner or relative living elsewhere, or an outside melder.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import calibration as cal
from .geography import AddressBook
from .population import Address, Household, Person, PopulationFactory

VT_AARD_LABEL = {
    "km": "Kindermishandeling",
    "partner": "(Ex-)Partnergeweld",
    "ex_partner": "(Ex-)Partnergeweld",
    "gto": "Geweld tegen ouders",
    "ouderen": "Ouderenmishandeling",
    "overig": "Huiselijk geweld overig",
}
POLICE_SOORT = {
    "partner": "Partnergeweld",
    "ex_partner": "Ex-partnergeweld",
    "km": "Kindermishandeling",
    "gto": "Geweld tegen ouder(s)",
    "ouderen": "Ouderenmishandeling",
    "overig": "Overig huiselijk geweld",
}
HOEDANIGHEID_OTHER = (
    ("Niet beroepsmatig", 25),
    ("Onderwijs", 14),
    ("Gezondheidszorg", 14),
    ("Geestelijke gezondheidszorg", 8),
    ("Jeugdzorg", 12),
    ("Kinderopvang", 3),
    ("Bureau Leerplicht", 2),
    ("Justitie en veiligheid", 12),
    ("Veilig Thuis andere regio", 3),
    ("Andere organisatie", 7),
)
ADVIESVRAGER = (
    ("Niet beroepsmatig", 30),
    ("Onderwijs", 20),
    ("Gezondheidszorg", 15),
    ("Geestelijke gezondheidszorg", 8),
    ("Jeugdzorg", 10),
    ("Kinderopvang", 7),
    ("Andere organisatie", 10),
)
COMPOSITION_FOR = {
    "km": (("gezin", 60), ("eenoudergezin", 40)),
    "partner": (("gezin", 50), ("paar", 50)),
    "ex_partner": (("eenoudergezin", 60), ("alleenstaand", 40)),
    "gto": (("ouders_volwassen_kind", 100),),
    "ouderen": (("ouderen", 50), ("oudere_alleen", 50)),
    "overig": (("huisgenoten", 70), ("ouders_volwassen_kind", 30)),
}


@dataclass(slots=True)
class Party:
    person: Person
    role: str  # slachtoffer / pleger / kind / melder / betrokkene
    address: Address | None
    relation_to_victim: str = ""


@dataclass(slots=True)
class Event:
    source: str  # politie / veilig_thuis / wijkteam
    kind: str  # incident / melding / advies / signaal
    day: date
    case: Case
    aard: str  # case aard key
    subtype: str  # police incidentsoort key (partner, ex_partner, km, …)
    parties: list[Party]
    melder: str = ""  # hoedanigheid melder / adviesvrager
    identity: str = "full"  # advies: full / partial / anonymous
    police_followup: bool = False


@dataclass(slots=True)
class Case:
    cid: int
    ctype: str  # melding / advies_only / police_only / wijkteam_only
    aard: str
    household: Household
    buurt_index: int
    others: dict[int, Address | None] = field(default_factory=dict)  # pid -> address of non-members
    events: list[Event] = field(default_factory=list)
    relative: Person | None = None  # adult child / carer living elsewhere (ouderenmishandeling)


def _pick(rng: random.Random, table) -> str:
    items, weights = zip(*(table.items() if isinstance(table, dict) else table))
    return rng.choices(items, weights=weights)[0]


class CaseBuilder:
    def __init__(self, rng: random.Random, factory: PopulationFactory, book: AddressBook, start: date, end: date):
        self.rng = rng
        self.factory = factory
        self.book = book
        self.start = start
        self.end = end
        self.next_cid = 1

    # -- households -----------------------------------------------------------------------
    def _origin(self, buurt_index: int) -> str:
        b = self.book.buurten[buurt_index]
        r = self.rng.random()
        return "tr" if r < b.share_tr else "ma" if r < b.share_tr + b.share_ma else "nl"

    def _elsewhere(self) -> Address | None:
        """Address of someone outside the household: elsewhere in the gemeente, sometimes unknown."""
        return None if self.rng.random() < 0.15 else self.book.random_address(self.rng)

    def new_case(self, ctype: str, aard: str, buurt_index: int) -> Case:
        rng = self.rng
        origin = self._origin(buurt_index)
        household = self.factory.household(_pick(rng, COMPOSITION_FOR[aard]), origin)
        household.address = self.book.random_address(rng, buurt_index)
        if rng.random() < cal.MOVE_SHARE:
            since = self.start + timedelta(days=rng.randrange((self.end - self.start).days))
            household.moves.append((since, self.move_address(buurt_index)))
        case = Case(self.next_cid, ctype, aard, household, buurt_index)
        self.next_cid += 1
        if aard == "ex_partner" or (household.composition == "eenoudergezin" and rng.random() < 0.5):
            ex = self.factory.ex_partner_for(household, origin)
            case.others[ex.pid] = self._elsewhere()
        return case

    def move_address(self, buurt_index: int) -> Address:
        """Where a moving household goes: its own buurt (40 %) or anywhere in the book by population."""
        target = buurt_index if self.rng.random() < 0.4 else None
        return self.book.random_address(self.rng, target)

    def relative(self, case: Case) -> Person:
        rel = self.factory.outsider(case.household.members[0].origin)
        case.others[rel.pid] = self._elsewhere()
        return rel

    # -- participants ---------------------------------------------------------------------
    def parties(self, case: Case, subtype: str, day: date, list_children: float = 0.85) -> list[Party]:
        """Victim(s), perpetrator and children for one report about this case."""
        rng = self.rng
        hh = case.household
        home = hh.address_on(day)
        # children born after this report cannot be in it (a melding about an unborn child names the parents only)
        kids = [k for k in hh.by_role("kind") if k.dob <= day]
        adults = [p for p in hh.members if p.role not in ("kind", "volwassen_kind")]
        ex = hh.ex_partner

        def at_home(p: Person, role: str, rel: str = "") -> Party:
            return Party(p, role, home, rel)

        def away(p: Person, role: str, rel: str = "") -> Party:
            return Party(p, role, case.others.get(p.pid), rel)

        out: list[Party] = []
        if subtype in ("partner", "ex_partner"):
            if subtype == "ex_partner" or len(adults) < 2:
                if ex is None:
                    ex = self.factory.ex_partner_for(hh, adults[0].origin)
                    case.others[ex.pid] = self._elsewhere()
                out += [at_home(adults[0], "slachtoffer"), away(ex, "pleger", "ex-partner")]
            else:
                man, woman = adults[0], adults[1]
                victim, perp = (woman, man) if rng.random() < 0.8 else (man, woman)
                out += [at_home(victim, "slachtoffer"), at_home(perp, "pleger", "partner")]
            out += [at_home(k, "kind") for k in kids if rng.random() < list_children]
        elif subtype == "km":
            victims = kids if (len(kids) > 1 and rng.random() < 0.3) else [rng.choice(kids)] if kids else []
            parents = hh.by_role("ouder")
            perp = parents[0] if len(parents) == 1 or rng.random() < 0.55 else parents[-1]
            out += [at_home(v, "slachtoffer") for v in victims]
            out.append(at_home(perp, "pleger", "ouder-kind"))
            out += [at_home(k, "kind") for k in kids if k not in victims and rng.random() < list_children]
            out += [at_home(p, "betrokkene") for p in parents if p is not perp and rng.random() < 0.5]
        elif subtype == "gto":
            parents = hh.by_role("ouder")
            child = hh.by_role("volwassen_kind") or hh.by_role("huisgenoot")[:1]
            victims = parents if rng.random() < 0.3 else parents[:1]
            out += [at_home(v, "slachtoffer") for v in victims]
            out += [at_home(c, "pleger", "kind-ouder") for c in child[:1]]
        elif subtype == "ouderen":
            elders = hh.by_role("oudere")
            if len(elders) == 2 and rng.random() < 0.5:
                out += [at_home(elders[1], "slachtoffer"), at_home(elders[0], "pleger", "partner")]
            else:
                if case.relative is None:
                    case.relative = self.relative(case)
                relation = "mantelzorger" if case.relative.pid % 3 == 0 else "familie"
                out += [at_home(elders[0], "slachtoffer"), away(case.relative, "pleger", relation)]
        else:  # overig
            members = hh.members
            victim = rng.choice(members)
            perp = rng.choice([m for m in members if m is not victim] or [victim])
            rel = "huisgenoot" if hh.composition == "huisgenoten" and victim.achternaam != perp.achternaam else "familie"
            out += [at_home(victim, "slachtoffer"), at_home(perp, "pleger", rel)]
        return out

    def household_parties(self, case: Case, day: date) -> list[Party]:
        """Everyone living in the household (wijkteam signals concern the household)."""
        hh = case.household
        home = hh.address_on(day)
        return [Party(p, "kind" if p.role == "kind" else "betrokkene", home) for p in hh.members if p.dob <= day]

    # -- timelines ------------------------------------------------------------------------
    def police_subtype(self, case: Case) -> str:
        rng = self.rng
        if case.aard != "km":
            return case.aard
        adults = [p for p in case.household.members if p.role == "ouder"]
        if len(adults) >= 2:
            return "partner" if rng.random() < 0.75 else "km"
        return "ex_partner" if rng.random() < 0.6 else "km"

    def build(self, case: Case, p_wijkteam: float) -> None:
        """Fill the case's events on a relative timeline, then place it inside the window."""
        rng = self.rng
        plan: list[tuple[int, str, dict]] = []  # (day offset, kind, extra)
        if case.ctype == "melding":
            k = 1
            while rng.random() > cal.P_SINGLE_MELDING:
                k += 1
            t = 0
            for i in range(k):
                if i:
                    t += 7 + int(rng.expovariate(1 / 150))
                if rng.random() < cal.POLICE_TRIGGER[case.aard]:
                    lag = rng.randint(1, 14)
                    plan.append((t - lag, "incident", {"followup": True}))
                    plan.append((t, "melding", {"melder": "Politie"}))
                else:
                    plan.append((t, "melding", {"melder": _pick(rng, HOEDANIGHEID_OTHER)}))
            if rng.random() < cal.ADVIES_BEFORE_MELDING:
                plan.append((-rng.randint(7, 120), "advies", {}))
        elif case.ctype == "advies_only":
            plan.append((0, "advies", {}))
            if rng.random() < cal.SECOND_REPORT:
                plan.append((rng.randint(30, 300), "advies", {}))
        elif case.ctype == "police_only":
            plan.append((0, "incident", {}))
            if rng.random() < cal.SECOND_REPORT:
                plan.append((rng.randint(14, 300), "incident", {}))
        if case.ctype == "wijkteam_only" or rng.random() < p_wijkteam:
            first = 0 if case.ctype == "wijkteam_only" else rng.randint(7, 120)
            plan.append((first, "signaal", {}))
            if rng.random() < cal.SIGNALS_PER_CASE - 1:
                plan.append((first + rng.randint(30, 200), "signaal", {}))
        lo = min(p[0] for p in plan)
        hi = max(p[0] for p in plan)
        window = (self.end - self.start).days
        span = hi - lo
        squeeze = min(1.0, window / span) if span else 1.0
        offset = rng.randint(0, max(0, window - int(span * squeeze)))
        for rel_day, kind, extra in sorted(plan, key=lambda p: p[0]):
            day = self.start + timedelta(days=offset + int((rel_day - lo) * squeeze))
            case.events.append(self._event(case, kind, day, extra))

    def _event(self, case: Case, kind: str, day: date, extra: dict) -> Event:
        rng = self.rng
        if kind == "incident":
            subtype = self.police_subtype(case)
            parties = self.parties(case, subtype, day)
            if rng.random() < 0.15:  # a neighbour or relative called the police and is registered
                outsider = self.factory.outsider(case.household.members[0].origin)
                parties.append(Party(outsider, "melder", self.book.random_address(rng, case.buurt_index)))
            return Event("politie", "incident", day, case, case.aard, subtype, parties, police_followup=extra.get("followup", False))
        if kind == "melding":
            melder = extra["melder"]
            subtype = self.police_subtype(case) if melder == "Politie" else case.aard
            parties = self.parties(case, subtype, day)
            if melder == "Niet beroepsmatig" and rng.random() < 0.7:
                outsider = self.factory.outsider(case.household.members[0].origin)
                parties.append(Party(outsider, "melder", self.book.random_address(rng)))
            return Event("veilig_thuis", "melding", day, case, case.aard, subtype, parties, melder=melder)
        if kind == "advies":
            identity = _pick(rng, cal.ADVIES_IDENTITY)
            parties = self.parties(case, case.aard, day, list_children=0.5)
            return Event(
                "veilig_thuis", "advies", day, case, case.aard, case.aard, parties, melder=_pick(rng, ADVIESVRAGER), identity=identity
            )
        return Event("wijkteam", "signaal", day, case, case.aard, case.aard, self.household_parties(case, day))
