"""Real geography for the generator: a gemeente's buurten, population and income, PC4 codes.

Buurten, population and low-income shares come from CBS KWB 2017; postcodes (PC4) and their
woonplaats from the CBS postcode table. Streets, house numbers and the PC6 letters are
synthetic, laid out deterministically so the address register can be streamed.

Relative risk of a buurt (documented in docs/synthetic-data.md)::

    rr = clip( (L_b / L_g + S_b / S_g) / 2 , 0.25, 4.0 )

with L = % households with a low income (HuishoudensMetEenLaagInkomen_72) and S = % households
on or around the social minimum (HuishOnderOfRondSociaalMinimum_73), b = buurt, g = gemeente.
A missing buurt value falls back to the other indicator, both missing to rr = 1. Expected
reports in a buurt are the gemeente total × P_b·rr_b / Σ P·rr, so the gemeente rate stays
on target and only the spread between buurten follows income.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker

from .names import _TOPO_A
from .population import Address

KWB_FILE = Path("kwb") / "kwb_2017_gemeente_wijk_buurt_selected_cols.csv"
PC4_FILE = Path("regions") / "postcode_pc4_gemeente_ggd_certegis.csv"
INDELING_YEAR = 2017
PERSONS_PER_ADDRESS = 2.2  # close to the Dutch average household size (2.15)
_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
_LETTER_PAIRS = [a + b for a in _LETTERS for b in _LETTERS if a + b not in ("SA", "SD", "SS")]
_STREET_SUFFIXES = ("straat", "weg", "laan", "singel", "pad", "hof", "dreef", "plein")


def _number(value: str) -> float | None:
    value = value.strip()
    if value in ("", "."):
        return None
    return float(value)


def relative_risk(low_income: float | None, social_min: float | None, gm_low_income: float | None, gm_social_min: float | None) -> float:
    """The buurt's relative risk from its income indicators versus the gemeente's."""
    ratios = []
    if low_income is not None and gm_low_income:
        ratios.append(low_income / gm_low_income)
    if social_min is not None and gm_social_min:
        ratios.append(social_min / gm_social_min)
    if not ratios:
        return 1.0
    return min(4.0, max(0.25, sum(ratios) / len(ratios)))


@dataclass
class Buurt:
    code: str
    wijkcode: str
    inwoners: int
    low_income: float | None
    social_min: float | None
    share_tr: float
    share_ma: float
    rr: float = 1.0
    streets: list = field(default_factory=list)  # [Street]
    n_addresses: int = 0


@dataclass
class Street:
    name: str
    pc4: str
    woonplaats: str
    n_addresses: int
    style: str  # 'plain' or an apartment style ('AB', '123', 'hs')
    letter_base: int  # index into the PC4's letter pairs
    block: int  # house numbers per PC6 letter pair (per side of the street)


@dataclass
class Gemeente:
    code: str
    name: str
    inwoners: int
    low_income: float | None
    social_min: float | None
    buurten: list[Buurt]
    pc4: list[tuple[str, str, int]]  # (pc4, woonplaats, inwoners)

    @property
    def populated(self) -> list[Buurt]:
        return [b for b in self.buurten if b.inwoners > 0]


def load_gemeente(data_dir: Path, gemeente_code: str) -> Gemeente:
    """Read the gemeente and its buurten from KWB 2017 and its PC4 codes from the CBS table."""
    gm = gemeente_code.strip().upper()
    digits = gm[2:]
    name = None
    gm_row = None
    buurten: list[Buurt] = []
    with open(data_dir / KWB_FILE, encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["Codering_3"].strip()
            if code == gm:
                gm_row = row
                name = row["Gemeentenaam_1"].strip()
            elif code.startswith("BU" + digits) and row["SoortRegio_2"].strip() == "Buurt":
                inw = _number(row["AantalInwoners_5"]) or 0
                denominator = inw if inw > 0 else 1
                buurten.append(
                    Buurt(
                        code=code,
                        wijkcode="WK" + code[2:8],
                        inwoners=int(inw),
                        low_income=_number(row["HuishoudensMetEenLaagInkomen_72"]),
                        social_min=_number(row["HuishOnderOfRondSociaalMinimum_73"]),
                        share_tr=(_number(row["Turkije_22"]) or 0) / denominator,
                        share_ma=(_number(row["Marokko_19"]) or 0) / denominator,
                    )
                )
    if gm_row is None:
        raise ValueError(f"Gemeente {gm} not found in KWB 2017")
    gemeente = Gemeente(
        code=gm,
        name=name,
        inwoners=int(_number(gm_row["AantalInwoners_5"]) or 0),
        low_income=_number(gm_row["HuishoudensMetEenLaagInkomen_72"]),
        social_min=_number(gm_row["HuishOnderOfRondSociaalMinimum_73"]),
        buurten=sorted(buurten, key=lambda b: b.code),
        pc4=[],
    )
    for b in gemeente.buurten:
        b.rr = relative_risk(b.low_income, b.social_min, gemeente.low_income, gemeente.social_min)
    with open(data_dir / PC4_FILE, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["level"] == "PC4" and row["gemeente"].strip().lower() == name.lower():
                gemeente.pc4.append((row["postcode"].strip(), row["plaats"].strip(), int(float(row["inwoners"] or 0))))
    gemeente.pc4.sort()
    if not gemeente.pc4:
        raise ValueError(f"No PC4 codes found for gemeente {name}")
    return gemeente


class AddressBook:
    """The synthetic address stock of one gemeente, laid out street by street, per buurt.

    Buurten (sorted by code) and PC4 areas (sorted by code) are walked side by side by
    cumulative population, so a wijk's buurten share neighbouring PC4 codes; each street
    gets one PC4 and consecutive PC6 letter pairs per block of house numbers.
    """

    def __init__(self, gemeente: Gemeente, rng: random.Random, stock_factor: float = 1.0):
        self.gemeente = gemeente
        self.buurten = gemeente.populated
        self._cache: dict[tuple[int, int], Address] = {}
        self.offsets: list[int] = []
        faker = Faker("nl_NL")
        faker.seed_instance(rng.randrange(2**31))
        used_names: set[str] = set()
        pc4_next: dict[str, int] = {pc: 0 for pc, _, _ in gemeente.pc4}
        woonplaats = {pc: plaats for pc, plaats, _ in gemeente.pc4}
        # PC4 intervals by cumulative population
        pc_total = sum(max(n, 1) for _, _, n in gemeente.pc4)
        b_total = sum(b.inwoners for b in self.buurten)
        pc_bounds, acc = [], 0
        for pc, _, n in gemeente.pc4:
            acc += max(n, 1)
            pc_bounds.append((acc / pc_total, pc))
        acc = 0
        total = 0
        for b in self.buurten:
            lo = acc / b_total
            acc += b.inwoners
            hi = acc / b_total
            candidates = [pc for bound, pc in pc_bounds if lo < bound] or [gemeente.pc4[-1][0]]
            candidates = [pc for bound, pc in pc_bounds if bound > lo and (bound <= hi or pc == candidates[0])] or candidates[:1]
            b.n_addresses = max(1, math.ceil(b.inwoners / PERSONS_PER_ADDRESS * stock_factor))
            per_street = 120 * stock_factor
            n_streets = max(2, math.ceil(b.n_addresses / per_street))
            sizes = [b.n_addresses // n_streets + (1 if i < b.n_addresses % n_streets else 0) for i in range(n_streets)]
            block = max(12, int(24 * stock_factor))
            for i, size in enumerate(sizes):
                if size == 0:
                    continue
                name = self._street_name(faker, rng, used_names)
                style = rng.choices(("plain", "AB", "123", "hs"), weights=(85, 6, 6, 3))[0]
                max_nr = size if style == "plain" else math.ceil(size / (2 if style == "hs" else 3))
                pairs_needed = 2 * (max_nr // block + 1)
                pc = candidates[i % len(candidates)]
                if pc4_next[pc] + pairs_needed > len(_LETTER_PAIRS):
                    pc = min(pc4_next, key=pc4_next.get)  # spill over to the emptiest PC4
                base = pc4_next[pc]
                pc4_next[pc] += pairs_needed
                b.streets.append(Street(name, pc, woonplaats[pc], size, style, base, block))
            self.offsets.append(total)
            total += b.n_addresses
        self.total = total

    @staticmethod
    def _street_name(faker: Faker, rng: random.Random, used: set[str]) -> str:
        for _ in range(1000):
            if rng.random() < 0.7:
                name = faker.street_name()
            else:
                name = rng.choice(_TOPO_A) + rng.choice(("se", "")) + rng.choice(_STREET_SUFFIXES)
            if name not in used:
                used.add(name)
                return name
        raise RuntimeError("street names exhausted")

    def address(self, buurt_index: int, k: int) -> Address:
        """Address number k of a buurt (deterministic; cached)."""
        key = (buurt_index, k)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        b = self.buurten[buurt_index]
        rest = k
        for street in b.streets:
            if rest < street.n_addresses:
                break
            rest -= street.n_addresses
        if street.style == "plain":
            nr, toev = rest + 1, ""
        elif street.style == "hs":
            nr, toev = rest // 2 + 1, ("hs", "1")[rest % 2]
        else:
            units = ("A", "B", "C") if street.style == "AB" else ("1", "2", "3")
            nr, toev = rest // 3 + 1, units[rest % 3]
        pair_index = street.letter_base + 2 * ((nr - 1) // street.block) + (nr % 2)
        letters = _LETTER_PAIRS[pair_index % len(_LETTER_PAIRS)]
        addr = Address(self.offsets[buurt_index] + k + 1, street.name, nr, toev, street.pc4, letters, street.woonplaats, b.code)
        self._cache[key] = addr
        return addr

    def random_address(self, rng: random.Random, buurt_index: int | None = None) -> Address:
        if buurt_index is None:
            buurt_index = rng.choices(range(len(self.buurten)), cum_weights=self._pop_cum())[0]
        return self.address(buurt_index, rng.randrange(self.buurten[buurt_index].n_addresses))

    def _pop_cum(self) -> list[float]:
        if not hasattr(self, "_pop_cum_cache"):
            acc, out = 0, []
            for b in self.buurten:
                acc += b.inwoners
                out.append(acc)
            self._pop_cum_cache = out
        return self._pop_cum_cache

    def iter_all(self):
        """Every address in the stock, in buurt and street order (for adresregister.csv)."""
        for bi, b in enumerate(self.buurten):
            for k in range(b.n_addresses):
                yield self.address(bi, k) if (bi, k) in self._cache else self._uncached(bi, k)

    def _uncached(self, bi: int, k: int) -> Address:
        addr = self.address(bi, k)
        del self._cache[(bi, k)]
        return addr
