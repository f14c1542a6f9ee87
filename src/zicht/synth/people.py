"""Person mentions with a known true identity, for the linkage benchmarks and tests.

`person_records(n, seed, noise)` returns ``n`` mentions of synthetic Dutch people as partner
registrations would hold them, with the same households, names and noise model as the
partner exports (`population.observe`), but without geography files: addresses are
synthetic across the whole country so the function needs no data directory.
"""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
from faker.providers.address.nl_NL import Provider as _NlAddress

from .density import city_address_maker, city_pools
from .names import NamePools
from .noise import Noise
from .population import Address, Household, PopulationFactory, observe

# How often one person is mentioned: most 1–4 times, a tail of repeat families up to 8.
CLUSTER_SIZES = (1, 2, 3, 4, 5, 6, 7, 8)
CLUSTER_WEIGHTS = (40, 26, 15, 9, 4, 3, 2, 1)

# Which registration a mention comes from (decides BSN and date-of-birth missingness).
SOURCE_MIX = (("politie", 30), ("veilig_thuis", 38), ("advies", 10), ("wijkteam", 22))

# Household kinds among people known to domestic-violence partners.
COMPOSITION_MIX = (
    ("gezin", 34),
    ("eenoudergezin", 22),
    ("paar", 16),
    ("alleenstaand", 10),
    ("ouderen", 4),
    ("oudere_alleen", 3),
    ("ouders_volwassen_kind", 8),
    ("huisgenoten", 3),
)

MOVE_SHARE = 0.08  # households that move once; later mentions use the new address
ORIGIN_SHARES = (("nl", 0.954), ("tr", 0.023), ("ma", 0.023))  # Turkije/Marokko ≈ 2.3 % each, KWB 2017 NL

COLUMNS = [
    "record_id",
    "cluster_id",
    "voornamen",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "geslacht",
    "postcode",
    "huisnummer",
    "woonplaats",
    "bsn",
    "datum",
    "kind_op",
    "melding",
]
CHILD_ROLE_SHARE = 0.6  # mentions of a minor child that name it in the role "kind" (the rest: slachtoffer, betrokkene)
# Registration dates: spread over three years; a household that moves is seen at its old address first.
DATES_FROM, DATES_DAYS = date(2022, 1, 1), 3 * 365

_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"

# Hard negatives: different people who look alike (truth kinds in ``frame.attrs["hard_negatives"]``).
# Shares are per household and chosen so 20,000 mentions hold a few hundred pairs of each kind;
# they over-represent the cases on purpose (a benchmark needs enough of them to count).
EXTRA_TWIN_SHARE = 0.10  # households with children that get a twin of one child (besides population's 4 %)
TWIN_SAME_INITIAL = 0.35  # of those twins: a given name with the same initial (only "J." tells them apart)
JR_SR_SHARE = 0.30  # households with a father and a son where the son carries the father's given names
GENERATION_MARKER = 0.30  # mentions of such a father or son written with "sr."/"jr."
NAMESAKE_SHARE = 0.03  # households with an adult who has an unrelated namesake (same names and date of
#                              birth) living elsewhere in the same woonplaats
NAMESAKE_HOUSEHOLD = 0.75  # of those namesakes: living in a household of their own (a random composition with an
#                              adult of the same sex), the rest alone; about a fifth of Dutch adults live alone
# Per source: a child's mention carrying a parent's BSN, and a BSN with two adjacent digits transposed
# (which always fails the 11-proef, so it arrives as no BSN). Assumed rates: no partner publishes them.
PARENT_BSN_RATES = {"politie": 0.003, "veilig_thuis": 0.02, "advies": 0.02, "wijkteam": 0.01}
TRANSPOSED_BSN_RATES = {"politie": 0.003, "veilig_thuis": 0.01, "advies": 0.01, "wijkteam": 0.01}
# Reports (meldingen) and their other parties: a registration names a person in a report that names
# others too (partner, perpetrator, children). Each mention belongs to one report (column ``melding``);
# its co-parties are the other mentions of that report. Drawn from a stream of their own, after every
# other column: the other columns are exactly as without them.
REPORT_CO_PARTY = 0.7  # per other member of the household: named in a mention's report too (its nearest mention in
#                        time; a registration may be named in several reports, its ids then joined by ";")
EX_PARTNER_SHARE = 0.6  # lone adults paired with another lone adult elsewhere (an ex-partner: perpetrator or victim)
HARD_KINDS = ("twin", "parent_child_same_name", "namesake_dob", "parent_bsn")
_KIDS = ("kind", "volwassen_kind")


def _address_maker(rng: random.Random):
    """Synthetic addresses: PC4 1000–9999 (woonplaats fixed per PC3), PC6 letters, a street per PC6."""
    cities = sorted(set(_NlAddress.cities))
    city_of_pc3: dict[int, str] = {}
    streets: list[str] = [
        f"{n}{s}"
        for n in (
            "Kerk",
            "Molen",
            "School",
            "Dorps",
            "Stations",
            "Nieuwe",
            "Lange",
            "Hoog",
            "Beek",
            "Linden",
            "Eiken",
            "Berken",
            "Wilhelmina",
            "Juliana",
            "Oranje",
            "Prins Hendrik",
            "Koning",
            "Zand",
            "Veld",
        )
        for s in ("straat", "weg", "laan", "pad", "singel", "plein", "dreef", "hof")
    ]
    counter = {"aid": 1}

    def make() -> Address:
        pc4 = rng.randrange(1000, 10000)
        pc3 = pc4 // 10
        if pc3 not in city_of_pc3:
            city_of_pc3[pc3] = rng.choice(cities)
        letters = rng.choice(_LETTERS) + rng.choice(_LETTERS)
        if letters in ("SA", "SD", "SS"):
            letters = "AB"
        toev = rng.choice(("A", "B", "1", "2", "bis", "hs")) if rng.random() < 0.08 else ""
        addr = Address(
            counter["aid"], rng.choice(streets), 1 + int(rng.expovariate(1 / 40)) % 400, toev, str(pc4), letters, city_of_pc3[pc3], ""
        )
        counter["aid"] += 1
        return addr

    return make


def transpose_bsn(bsn: str, rng: random.Random) -> str:
    """Two adjacent, different digits swapped (a typing error the 11-proef always catches)."""
    spots = [i for i in range(len(bsn) - 1) if bsn[i] != bsn[i + 1]]
    if not spots:
        return bsn
    i = rng.choice(spots)
    return bsn[:i] + bsn[i + 1] + bsn[i] + bsn[i + 2 :]


def _with_marker(voornamen: str, achternaam: str, marker: str, rng: random.Random) -> tuple[str, str]:
    """'Jan jr.' or 'Jansen sr.': where registrations put a generation marker."""
    if rng.random() < 0.5:
        return f"{voornamen} {marker}", achternaam
    return voornamen, f"{achternaam} {marker}"


def add_hard_cases(hh: Household, factory: PopulationFactory, hard: random.Random, make_address) -> list[Household]:
    """Twins, a son named after his father, an unrelated namesake: in place, plus new households.

    Records the pairs in ``factory.hard_pairs`` and generation markers in ``factory.markers``.
    """
    extra: list[Household] = []
    kids = [p for p in hh.members if p.role in _KIDS]
    if kids and hard.random() < EXTRA_TWIN_SHARE:
        kid = hard.choice(kids)
        sex = hard.choice("MV")
        twin = factory.person(hh.hid, sex, kid.dob, (kid.tussenvoegsel, kid.achternaam), kid.origin, kid.role)
        same_initial = hard.random() < TWIN_SAME_INITIAL
        for _ in range(30):
            first, other = twin.voornamen.split()[0], kid.voornamen.split()[0]
            if first != other and (not same_initial or first[0] == other[0]):
                break
            twin.voornamen = factory.pools.voornamen(hard, kid.origin, sex, kid.dob.year)
        if twin.voornamen.split()[0] != kid.voornamen.split()[0]:
            hh.members.append(twin)
            factory.hard_pairs.append((kid.pid, twin.pid, "twin"))
    fathers = [p for p in hh.members if p.role == "ouder" and p.sex == "M"]
    sons = (
        [p for p in kids if p.sex == "M" and (p.tussenvoegsel, p.achternaam) == (fathers[0].tussenvoegsel, fathers[0].achternaam)]
        if fathers
        else []
    )
    if sons and hard.random() < JR_SR_SHARE:
        son = sons[0]
        son.voornamen = fathers[0].voornamen
        factory.markers[fathers[0].pid] = "sr."
        factory.markers[son.pid] = "jr."
        factory.hard_pairs.append((fathers[0].pid, son.pid, "parent_child_same_name"))
    adults = [p for p in hh.members if p.role not in _KIDS]
    if adults and hard.random() < NAMESAKE_SHARE:
        model = hard.choice(adults)
        addr = make_address()
        addr.pc4 = hh.address.pc4[:3] + str(hard.randrange(10))
        addr.woonplaats = hh.address.woonplaats
        home = None
        if hard.random() < NAMESAKE_HOUSEHOLD:
            # a household of its own (drawn from the hard stream, so the main stream stays as it was)
            main, factory.rng = factory.rng, hard
            try:
                comps, comp_w = zip(*COMPOSITION_MIX)
                home = factory.household(hard.choices(comps, weights=comp_w)[0], model.origin)
            finally:
                factory.rng = main
            same_sex = [p for p in home.members if p.role not in _KIDS and p.sex == model.sex]
            if not same_sex:
                home = None
        if home is None:
            other = factory.person(
                factory._new_hid(), model.sex, model.dob, (model.tussenvoegsel, model.achternaam), model.origin, "volwassene"
            )
            home = Household(hid=other.hid, composition="alleenstaand", members=[other])
        else:
            other = same_sex[0]
        other.voornamen, other.dob = model.voornamen, model.dob
        other.tussenvoegsel, other.achternaam = model.tussenvoegsel, model.achternaam
        home.address = addr
        extra.append(home)
        factory.hard_pairs.append((model.pid, other.pid, "namesake_dob"))
    return extra


def report_ids(persons: list, homes: list[int], phases: list[int], days: list[int], lone: list[bool], seed: int) -> list[str]:
    """Per mention the id of the report (melding) it belongs to, from a random stream of its own.

    Within a household, a mention not yet in a report opens one (in date order); each other member
    of the household is named in it too with probability ``REPORT_CO_PARTY`` (its unassigned mention
    at the same address nearest in time, or when all its mentions are in reports already, the
    nearest of those: its ``melding`` then holds several ids joined by ";"). Lone adults are paired in order of appearance with another
    lone adult (``EX_PARTNER_SHARE``: an ex-partner at another address) whose mentions join their
    reports the same way, whatever the address. A person who moves keeps the same co-parties; two
    namesakes have different ones. A mention keeps its own registration date (``datum``).
    """
    rng = random.Random(seed * 2750159 + 41)
    group = list(range(len(lone)))  # household -> report group (an ex-partner pair shares one)
    waiting = None
    for h, alone in enumerate(lone):
        if not alone or rng.random() >= EX_PARTNER_SHARE:
            continue
        if waiting is None:
            waiting = h
        else:
            group[h], waiting = waiting, None
    rows_of: dict[int, dict] = {}  # group -> person -> rows (in date order)
    for r in sorted(range(len(persons)), key=lambda r: (days[r], r)):
        rows_of.setdefault(group[homes[r]], {}).setdefault(persons[r], []).append(r)
    out: list[str | None] = [None] * len(persons)
    k = 0
    for g in sorted(rows_of):
        by_person = rows_of[g]
        for r in sorted((r for rows in by_person.values() for r in rows), key=lambda r: (days[r], r)):
            if out[r] is not None:
                continue
            k += 1
            out[r] = f"M{seed}-{k}"
            for other, rows in by_person.items():
                if other == persons[r] or rng.random() >= REPORT_CO_PARTY:
                    continue
                same_home = homes[rows[0]] == homes[r]
                near = [x for x in rows if not same_home or phases[x] == phases[r]]
                free = [x for x in near if out[x] is None]
                if free:
                    out[min(free, key=lambda x: (abs(days[x] - days[r]), x))] = out[r]
                elif near:  # every mention of the co-party is in a report already: it is named in this one too
                    x = min(near, key=lambda x: (abs(days[x] - days[r]), x))
                    out[x] = f"{out[x]};{out[r]}"
    return out


def person_records(n: int, seed: int = 1, noise: float = 1.0, hard: bool = True, density: str = "country") -> pd.DataFrame:
    """``n`` person mentions with their true identity.

    Columns (all strings except the two ids):
      record_id (int, 0..n-1, in shuffled order), cluster_id (int, the true person),
      voornamen ('Pieter Jan', 'P.J.', 'P.', may hold the surname after a swap),
      tussenvoegsel ('van der', 'vd', 'V.d.', '' — empty when moved into achternaam as
      'Berg, van den'), achternaam, geboortedatum (ISO 'jjjj-mm-dd' or None),
      geslacht ('M' / 'V' / ''), postcode ('5041 AB', '5041AB', '5041ab'),
      huisnummer (the number only, as a string), woonplaats, bsn ('' when missing; when
      present it passes the 11-proef, except a transposed one: ``TRANSPOSED_BSN_RATES``),
      datum (ISO date of the registration, 2022–2024; a person who moved is seen at the
      old address before the new one), kind_op (the date when the mention names a minor
      child in the role "kind", ``CHILD_ROLE_SHARE``; else None), melding (the id of the report
      the mention belongs to; the report's other mentions are its co-parties: ``report_ids``).

    Persons live in households (family members share address and often surname; twins share
    surname, date of birth and address), 8 % of households move once, and cluster sizes
    follow `CLUSTER_WEIGHTS` (most persons are mentioned 1–4 times). Deterministic per
    (n, seed, noise, hard).

    With ``hard`` (default) the set also holds the hard negatives of ``add_hard_cases`` and
    the BSN errors of ``PARENT_BSN_RATES`` / ``TRANSPOSED_BSN_RATES``;
    ``frame.attrs["hard_negatives"]`` lists the pairs of different people that look alike as
    (cluster_id, cluster_id, kind) with kind in ``HARD_KINDS`` and
    ``frame.attrs["bsn_errors"]`` counts the BSN errors per kind.

    ``density="city"``: the people of one city (``zicht.synth.density``) instead of the country.
    """
    rng = random.Random(seed)
    pools = NamePools.build(seed)
    if density == "city":
        pools = city_pools(pools)
    factory = PopulationFactory(rng, pools, date(2025, 1, 1))
    lvl = Noise(noise)
    make_address = city_address_maker(rng) if density == "city" else _address_maker(rng)
    comps, comp_w = zip(*COMPOSITION_MIX)
    sources, source_w = zip(*SOURCE_MIX)
    origins, origin_w = zip(*ORIGIN_SHARES)

    hard_rng = random.Random(seed * 7919 + 17)  # a stream of its own: hard=False gives the earlier data
    factory.markers = {}
    bsn_errors = {"parent_bsn": 0, "transposed": 0}
    date_rng = random.Random(seed * 104729 + 3)  # a stream of its own: the other columns stay as they were
    voornamen, tvs, ans, dobs, sexes, pcs, nrs, places, bsns, clusters, seen, child = ([] for _ in range(12))
    homes: list[int] = []  # per mention: its household (an index into ``lone``'s keys), for the reports
    phases: list[int] = []  # per mention: 0 at the household's first address, 1 after its move
    lone: list[bool] = []  # per household: one adult living alone (a candidate ex-partner)
    home_day: list[int] = []
    produced = 0
    pending: list[Household] = []
    while produced < n:
        if pending:
            hh = pending.pop()
            new_address = None
        else:
            origin = rng.choices(origins, weights=origin_w)[0]
            hh = factory.household(rng.choices(comps, weights=comp_w)[0], origin)
            hh.address = make_address()
            moved = rng.random() < MOVE_SHARE
            new_address = make_address() if moved else None
            if hard:
                pending.extend(add_hard_cases(hh, factory, hard_rng, make_address))
        parents = [p for p in hh.members if p.role not in _KIDS]
        lone.append(len(hh.members) == 1 and hh.members[0].role not in _KIDS)
        for person in hh.members:
            k = rng.choices(CLUSTER_SIZES, weights=CLUSTER_WEIGHTS)[0]
            k = min(k, n - produced)
            days = sorted(date_rng.randrange(DATES_DAYS) for _ in range(k))  # the earlier mentions at the old address
            for i in range(k):
                address = new_address if (new_address is not None and i >= k / 2) else hh.address
                source = rng.choices(sources, weights=source_w)[0]
                o = observe(person, address, source, rng, lvl)
                if hard:
                    marker = factory.markers.get(person.pid)
                    if marker and hard_rng.random() < GENERATION_MARKER * noise:
                        o.voornamen, o.achternaam = _with_marker(o.voornamen, o.achternaam, marker, hard_rng)
                    if o.bsn and person.role in _KIDS and parents and hard_rng.random() < PARENT_BSN_RATES[source] * noise:
                        parent = hard_rng.choice(parents)
                        o.bsn = parent.bsn
                        bsn_errors["parent_bsn"] += 1
                        factory.hard_pairs.append((person.pid, parent.pid, "parent_bsn"))
                    elif o.bsn and hard_rng.random() < TRANSPOSED_BSN_RATES[source] * noise:
                        o.bsn = transpose_bsn(o.bsn, hard_rng)
                        bsn_errors["transposed"] += 1
                voornamen.append(o.voornamen)
                tvs.append(o.tussenvoegsel)
                ans.append(o.achternaam)
                dobs.append(o.geboortedatum.isoformat() if o.geboortedatum else None)
                sexes.append(o.geslacht)
                pcs.append(o.postcode)
                nrs.append(str(o.huisnummer))
                places.append(o.woonplaats)
                bsns.append(o.bsn)
                clusters.append(person.pid)
                homes.append(len(lone) - 1)
                phases.append(int(address is not hh.address))
                home_day.append(days[i])
                seen.append(date.fromordinal(DATES_FROM.toordinal() + days[i]).isoformat())
                minor = person.role == "kind" and (DATES_FROM - person.dob).days + days[i] < 18 * 365
                child.append(seen[-1] if minor and date_rng.random() < CHILD_ROLE_SHARE else None)
            produced += k
            if produced >= n:
                break
    frame = pd.DataFrame(
        {
            "cluster_id": clusters,
            "voornamen": voornamen,
            "tussenvoegsel": tvs,
            "achternaam": ans,
            "geboortedatum": dobs,
            "geslacht": sexes,
            "postcode": pcs,
            "huisnummer": nrs,
            "woonplaats": places,
            "bsn": bsns,
            "datum": seen,
            "kind_op": child,
            "melding": report_ids(clusters, homes, phases, home_day, lone, seed),
        }
    )
    order = list(range(len(frame)))
    rng.shuffle(order)
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "record_id", range(len(frame)))
    frame = frame[COLUMNS]
    present = set(clusters)
    frame.attrs["hard_negatives"] = sorted({(a, b, k) for a, b, k in factory.hard_pairs if a in present and b in present})
    frame.attrs["bsn_errors"] = bsn_errors
    return frame
