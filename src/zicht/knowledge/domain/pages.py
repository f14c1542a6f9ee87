"""Knowledge pages as kept in the repository: Markdown with YAML front matter.

A page file looks like::

    ---
    title: De vijf stappen van de meldcode
    roles: [professional]
    herzien_op: 2027-06-01
    samenvatting: Eén zin voor de kaart op de startpagina.
    sources:
      - title: Afwegingskader in de meldcode huiselijk geweld en kindermishandeling
        publisher: Rijksoverheid
        url: https://www.rijksoverheid.nl/...
        year: 2017
    ---
    Markdown ...

``roles`` are role codes of ``zicht.access.roles`` (or ``alle``); every page names at least one
public source (title and an http(s) URL) and a review date ("herzien op"). The loader refuses a
file that misses one of these, naming the file and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from zicht.access.roles import ALL_ROLES

ALL = "alle"
REQUIRED = ("title", "roles", "sources", "herzien_op")
RESERVED_SLUGS = {"feitencheck"}  # routes of the knowledge app itself
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class FrontMatterError(ValueError):
    """A page file whose front matter is missing or wrong; names the file and the field."""

    def __init__(self, filename: str, field_name: str, message: str):
        self.filename = filename
        self.field = field_name
        self.message = message
        super().__init__(f"{filename}: veld '{field_name}': {message}")


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    publisher: str = ""
    year: int | None = None

    def as_dict(self) -> dict:
        return {"title": self.title, "url": self.url, "publisher": self.publisher, "year": self.year}


@dataclass(frozen=True)
class PageSource:
    slug: str
    title: str
    roles: tuple[str, ...]
    sources: tuple[Source, ...]
    herzien_op: dt.date
    body: str
    samenvatting: str = ""
    volgorde: int = 100
    filename: str = ""
    extra: dict = field(default_factory=dict)


def split_front_matter(text: str, filename: str) -> tuple[dict, str]:
    """The YAML block between the first two ``---`` lines, and the Markdown after it."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(filename, "front matter", "het bestand begint niet met een '---'-blok")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            header = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            break
    else:
        raise FrontMatterError(filename, "front matter", "het '---'-blok wordt niet afgesloten")
    try:
        data = yaml.safe_load(header) or {}
    except yaml.YAMLError as exc:
        raise FrontMatterError(filename, "front matter", f"geen geldige YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise FrontMatterError(filename, "front matter", "verwacht sleutel: waarde-paren")
    return data, body


def validate_roles(value, filename: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise FrontMatterError(filename, "roles", "geef minstens één rol (of 'alle')")
    roles = [str(v).strip() for v in value]
    if ALL in roles:
        return tuple(sorted(ALL_ROLES))
    unknown = sorted(set(roles) - ALL_ROLES)
    if unknown:
        raise FrontMatterError(filename, "roles", f"onbekende rol(len): {', '.join(unknown)}")
    return tuple(dict.fromkeys(roles))


def validate_sources(value, filename: str) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        raise FrontMatterError(filename, "sources", "noem minstens één openbare bron (titel en URL)")
    result = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise FrontMatterError(filename, f"sources[{number}]", "verwacht title, url, publisher en year")
        title = str(item.get("title") or "").strip()
        url = str(item.get("url") or "").strip()
        if not title:
            raise FrontMatterError(filename, f"sources[{number}].title", "ontbreekt")
        if not URL_RE.match(url):
            raise FrontMatterError(filename, f"sources[{number}].url", "ontbreekt of is geen http(s)-adres")
        year = item.get("year")
        if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2100):
            raise FrontMatterError(filename, f"sources[{number}].year", "geen jaartal")
        result.append(Source(title=title, url=url, publisher=str(item.get("publisher") or "").strip(), year=year))
    return tuple(result)


def validate_date(value, filename: str, field_name: str = "herzien_op") -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FrontMatterError(filename, field_name, "ontbreekt of is geen datum (JJJJ-MM-DD)")


def parse_page(text: str, filename: str, slug: str | None = None) -> PageSource:
    """Parse and validate one page file; raise FrontMatterError naming file and field."""
    data, body = split_front_matter(text, filename)
    for name in REQUIRED:
        if name not in data or data[name] in (None, "", []):
            raise FrontMatterError(filename, name, "ontbreekt")
    slug = slug or Path(filename).stem
    if not SLUG_RE.match(slug):
        raise FrontMatterError(filename, "slug", "bestandsnaam mag alleen kleine letters, cijfers en '-' bevatten")
    if slug in RESERVED_SLUGS:
        raise FrontMatterError(filename, "slug", f"'{slug}' is gereserveerd")
    title = str(data["title"]).strip()
    if not body.strip():
        raise FrontMatterError(filename, "body", "de pagina heeft geen tekst")
    volgorde = data.get("volgorde", 100)
    if not isinstance(volgorde, int):
        raise FrontMatterError(filename, "volgorde", "geen geheel getal")
    known = set(REQUIRED) | {"samenvatting", "volgorde"}
    return PageSource(
        slug=slug,
        title=title,
        roles=validate_roles(data["roles"], filename),
        sources=validate_sources(data["sources"], filename),
        herzien_op=validate_date(data["herzien_op"], filename),
        body=body.strip() + "\n",
        samenvatting=str(data.get("samenvatting") or "").strip(),
        volgorde=volgorde,
        filename=filename,
        extra={k: v for k, v in data.items() if k not in known},
    )


def read_directory(directory: Path) -> list[PageSource]:
    """Every ``*.md`` page of a directory, parsed; the first invalid file stops the load."""
    pages = [parse_page(path.read_text(encoding="utf-8"), path.name) for path in sorted(Path(directory).glob("*.md"))]
    seen: dict[str, str] = {}
    for page in pages:
        if page.slug in seen:
            raise FrontMatterError(page.filename, "slug", f"dubbel met {seen[page.slug]}")
        seen[page.slug] = page.filename
    return pages


def is_for_role(page_roles, role: str | None) -> bool:
    return role is not None and role in set(page_roles)


def is_overdue(herzien_op: dt.date, today: dt.date) -> bool:
    """A page is past its review date on the day after it ("herzien op" is the last valid day)."""
    return today > herzien_op
