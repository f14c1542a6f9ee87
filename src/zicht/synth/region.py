"""A Veilig Thuis region as one synthetic population: several gemeenten whose households move between them.

Each gemeente keeps its own geography and address stock (``geography.AddressBook``: its buurten, PC4
codes, woonplaatsen and relative risks against its own income figures), so expected reports per buurt
follow the gemeente's population and the region total is the sum of the gemeenten. ``RegionBook`` puts
the stocks side by side behind the AddressBook interface, with address ids unique across the region.
``RegionCaseBuilder`` differs from ``CaseBuilder`` in one place, where a household moves to:

- ``SAME_BUURT_MOVE`` (0.4, as ``CaseBuilder``) within its buurt;
- ``OTHER_GEMEENTE_MOVE`` of all moves to another gemeente of the region, chosen by population;
- the rest elsewhere in its own gemeente.

Ex-partners, relatives and outside melders live anywhere in the region by population (as they live
anywhere in the gemeente for one gemeente), so a report in one gemeente names people registered in
another. Moves out of the region are not modelled: the region's partners would not see them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from .geography import AddressBook, Gemeente, load_gemeente
from .population import Address
from .scenario import CaseBuilder

SAME_BUURT_MOVE = 0.4
# Share of all moves that cross a gemeente border. CBS (Verhuizingen; StatLine 60048ned) counts about
# 1.1 million moves within and 0.65 million between gemeenten a year, so about 37 % cross a border;
# here the border is always one inside the region (an assumption: moves out of the region are left out).
OTHER_GEMEENTE_MOVE = 0.37


class RegionBook:
    """The address stocks of several gemeenten as one book (``AddressBook``'s interface)."""

    def __init__(self, books: Sequence[AddressBook]):
        self.books = list(books)
        self.buurten = [b for book in self.books for b in book.buurten]
        self.gemeente_of: list[int] = []  # buurt index → index of its gemeente in ``books``
        self.first: list[int] = []  # index of each gemeente's first buurt
        base = 0
        for i, book in enumerate(self.books):
            self.first.append(len(self.gemeente_of))
            self.gemeente_of.extend([i] * len(book.buurten))
            book.offsets = [o + base for o in book.offsets]  # address ids unique across the region
            base += book.total
        self.total = base
        self._cum: list[float] | None = None

    def _local(self, buurt_index: int) -> tuple[AddressBook, int]:
        g = self.gemeente_of[buurt_index]
        return self.books[g], buurt_index - self.first[g]

    def address(self, buurt_index: int, k: int) -> Address:
        book, local = self._local(buurt_index)
        return book.address(local, k)

    def _pop_cum(self) -> list[float]:
        if self._cum is None:
            acc, out = 0, []
            for b in self.buurten:
                acc += b.inwoners
                out.append(acc)
            self._cum = out
        return self._cum

    def random_address(self, rng: random.Random, buurt_index: int | None = None) -> Address:
        """An address in the buurt, or anywhere in the region by population."""
        if buurt_index is None:
            buurt_index = rng.choices(range(len(self.buurten)), cum_weights=self._pop_cum())[0]
        return self.address(buurt_index, rng.randrange(self.buurten[buurt_index].n_addresses))

    def random_address_in(self, rng: random.Random, gemeente_index: int) -> Address:
        """An address anywhere in one gemeente, by population."""
        book = self.books[gemeente_index]
        return book.random_address(rng)

    def other_gemeente(self, rng: random.Random, gemeente_index: int) -> int:
        """Another gemeente of the region, by population."""
        others = [i for i in range(len(self.books)) if i != gemeente_index]
        if not others:
            return gemeente_index
        weights = [sum(b.inwoners for b in self.books[i].buurten) for i in others]
        return rng.choices(others, weights=weights)[0]

    def iter_all(self):
        for book in self.books:
            yield from book.iter_all()


class RegionCaseBuilder(CaseBuilder):
    """``CaseBuilder`` over a ``RegionBook``: a share of the moves go to another gemeente of the region."""

    book: RegionBook

    def move_address(self, buurt_index: int) -> Address:
        rng = self.rng
        r = rng.random()
        if r < SAME_BUURT_MOVE:
            return self.book.random_address(rng, buurt_index)
        home = self.book.gemeente_of[buurt_index]
        if r < SAME_BUURT_MOVE + OTHER_GEMEENTE_MOVE:
            return self.book.random_address_in(rng, self.book.other_gemeente(rng, home))
        return self.book.random_address_in(rng, home)


def load_region(data_dir: Path, codes: Sequence[str], rng: random.Random, stock_factor: float = 1.0) -> tuple[Gemeente, RegionBook]:
    """The region's combined geography (for the manifest and the case counts) and its address book."""
    gemeenten = [load_gemeente(Path(data_dir), code) for code in codes]
    books = [AddressBook(g, random.Random(rng.randrange(2**63)), stock_factor) for g in gemeenten]
    combined = Gemeente(
        code=",".join(g.code for g in gemeenten),
        name=" + ".join(g.name for g in gemeenten),
        inwoners=sum(g.inwoners for g in gemeenten),
        low_income=None,
        social_min=None,
        buurten=[b for g in gemeenten for b in g.buurten],
        pc4=[p for g in gemeenten for p in g.pc4],
    )
    return combined, RegionBook(books)


def gemeente_code_of(address: Address) -> str:
    """'GM0855' from the address's buurt code 'BU08550101'."""
    return "GM" + address.buurtcode[2:6]


def moves_between_gemeenten(cases) -> int:
    """Households whose move took them to another gemeente."""
    return sum(
        1
        for c in cases
        if c.household.moves and any(gemeente_code_of(a) != gemeente_code_of(c.household.address) for _, a in c.household.moves)
    )


def per_gemeente(cases) -> dict[str, int]:
    """Cases per gemeente of the household's first address."""
    out: dict[str, int] = {}
    for c in cases:
        code = gemeente_code_of(c.household.address)
        out[code] = out.get(code, 0) + 1
    return dict(sorted(out.items()))
