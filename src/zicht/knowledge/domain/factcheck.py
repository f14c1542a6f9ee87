"""The factchecker: common statements about domestic violence and child abuse, with a verdict.

The statements are data (``knowledge/data/feitencheck.toml``). Every statement has a verdict
(waar / niet waar / genuanceerd), an explanation and at least one public source with title, URL
(at least one of them with its year); a figure in an explanation must come from that source. A statement without such a
source is not in the file at all (the issue: leave it out rather than guess).

``top_facts(n)`` is the interface for other apps (the infographic): the statements marked ``top``
in the file's order.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from zicht.access.roles import N_

WAAR = "waar"
NIET_WAAR = "niet waar"
GENUANCEERD = "genuanceerd"
VERDICTS = (WAAR, NIET_WAAR, GENUANCEERD)
# The verdicts as the page names them (translated where shown).
VERDICT_LABELS = {WAAR: N_("waar"), NIET_WAAR: N_("niet waar"), GENUANCEERD: N_("genuanceerd")}
VERDICT_CSS = {WAAR: "groen", NIET_WAAR: "rood", GENUANCEERD: "geel"}
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "feitencheck.toml"


class FactcheckError(ValueError):
    def __init__(self, where: str, field_name: str, message: str):
        self.where = where
        self.field = field_name
        super().__init__(f"{where}: veld '{field_name}': {message}")


@dataclass(frozen=True)
class FactSource:
    title: str
    url: str
    year: int | None
    publisher: str = ""


@dataclass(frozen=True)
class Statement:
    slug: str
    statement: str
    verdict: str
    explanation: str
    sources: tuple[FactSource, ...]
    top: bool = False

    @property
    def year(self) -> int:
        """The most recent year among the sources (the "jaar" shown with the verdict)."""
        return max(source.year for source in self.sources if source.year is not None)

    @property
    def verdict_css(self) -> str:
        return VERDICT_CSS[self.verdict]


def _source(item, where: str, number: int) -> FactSource:
    if not isinstance(item, dict):
        raise FactcheckError(where, f"bronnen[{number}]", "verwacht titel, url en jaar")
    title = str(item.get("titel") or "").strip()
    url = str(item.get("url") or "").strip()
    year = item.get("jaar")
    if not title:
        raise FactcheckError(where, f"bronnen[{number}].titel", "ontbreekt")
    if not URL_RE.match(url):
        raise FactcheckError(where, f"bronnen[{number}].url", "ontbreekt of is geen http(s)-adres")
    if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2100):
        raise FactcheckError(where, f"bronnen[{number}].jaar", "geen jaartal")
    return FactSource(title=title, url=url, year=year, publisher=str(item.get("uitgever") or "").strip())


def parse_statements(data: dict, where: str = "feitencheck") -> list[Statement]:
    items = data.get("uitspraak")
    if not isinstance(items, list) or not items:
        raise FactcheckError(where, "uitspraak", "geen uitspraken gevonden")
    result, seen = [], set()
    for number, item in enumerate(items, start=1):
        here = f"{where} uitspraak {number}"
        slug = str(item.get("slug") or "").strip()
        if not SLUG_RE.match(slug):
            raise FactcheckError(here, "slug", "ontbreekt of bevat andere tekens dan a-z, 0-9 en '-'")
        if slug in seen:
            raise FactcheckError(here, "slug", f"'{slug}' komt twee keer voor")
        seen.add(slug)
        for name in ("uitspraak", "oordeel", "toelichting"):
            if not str(item.get(name) or "").strip():
                raise FactcheckError(here, name, "ontbreekt")
        verdict = str(item["oordeel"]).strip().lower()
        if verdict not in VERDICTS:
            raise FactcheckError(here, "oordeel", f"moet een van {', '.join(VERDICTS)} zijn")
        sources = item.get("bronnen")
        if not isinstance(sources, list) or not sources:
            raise FactcheckError(here, "bronnen", "elke uitspraak noemt minstens één openbare bron")
        parsed = tuple(_source(s, here, i) for i, s in enumerate(sources, start=1))
        if not any(source.year is not None for source in parsed):
            raise FactcheckError(here, "bronnen.jaar", "minstens één bron noemt het jaar")
        result.append(
            Statement(
                slug=slug,
                statement=str(item["uitspraak"]).strip(),
                verdict=verdict,
                explanation=str(item["toelichting"]).strip(),
                sources=parsed,
                top=bool(item.get("top", False)),
            )
        )
    return result


def load_statements(path: Path | None = None) -> list[Statement]:
    path = Path(path or DEFAULT_PATH)
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return parse_statements(data, where=path.name)


def top_facts(n: int = 3, statements: list[Statement] | None = None) -> list[Statement]:
    """The first ``n`` statements marked ``top`` (file order); for the infographic and other apps."""
    statements = load_statements() if statements is None else statements
    return [s for s in statements if s.top][: max(0, n)]
