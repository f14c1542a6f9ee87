"""Front matter validation, role filtering and review dates (pure, no database)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from zicht.access import roles as access_roles
from zicht.knowledge.domain import pages as knowledge_pages

VALID = """---
title: Voorbeeld
roles: [professional]
herzien_op: 2027-01-31
sources:
  - title: Basismodel meldcode
    publisher: Rijksoverheid
    url: https://www.rijksoverheid.nl/documenten/rapporten/2017/01/09/basismodel-meldcode-huiselijk-geweld-en-kindermishandeling
    year: 2017
---
## Kop

Tekst.
"""


def without(field: str) -> str:
    return re.sub(rf"^{field}:.*?(?=^\w|^---)", "", VALID, count=1, flags=re.MULTILINE | re.DOTALL)


def test_a_valid_page_parses():
    page = knowledge_pages.parse_page(VALID, "voorbeeld.md")
    assert page.slug == "voorbeeld" and page.title == "Voorbeeld" and page.roles == ("professional",)
    assert page.herzien_op == dt.date(2027, 1, 31)
    assert page.sources[0].publisher == "Rijksoverheid" and page.sources[0].year == 2017
    assert page.body.startswith("## Kop")


@pytest.mark.parametrize("field", ["title", "roles", "sources", "herzien_op"])
def test_a_missing_field_is_refused_naming_file_and_field(field):
    with pytest.raises(knowledge_pages.FrontMatterError) as info:
        knowledge_pages.parse_page(without(field), "kapot.md")
    assert info.value.filename == "kapot.md" and info.value.field == field
    assert "kapot.md" in str(info.value) and field in str(info.value)


@pytest.mark.parametrize(
    "replacement, field",
    [
        (
            "    url: https://www.rijksoverheid.nl/documenten/rapporten/2017/01/09/basismodel-meldcode-huiselijk-geweld-en-kindermishandeling\n",
            "sources[1].url",
        ),
        ("  - title: Basismodel meldcode\n    publisher", "sources[1].title"),
    ],
)
def test_a_source_without_url_or_title_is_refused(replacement, field):
    text = VALID.replace(replacement, "  - publisher" if replacement.endswith("publisher") else "")
    assert text != VALID
    with pytest.raises(knowledge_pages.FrontMatterError) as info:
        knowledge_pages.parse_page(text, "bron.md")
    assert info.value.field == field


@pytest.mark.parametrize(
    "text, field",
    [
        (VALID.replace("herzien_op: 2027-01-31", "herzien_op: binnenkort"), "herzien_op"),
        (VALID.replace("roles: [professional]", "roles: [directeur]"), "roles"),
        (VALID.replace("url: https://www.rijksoverheid", "url: javascript:alert(1)//www.rijksoverheid"), "sources[1].url"),
        (VALID.replace("    year: 2017", "    year: vorig jaar"), "sources[1].year"),
        (VALID.replace("---\n## Kop\n\nTekst.\n", "---\n"), "body"),
        ("title: geen blok\n", "front matter"),
        ("---\ntitle: [\n---\nx", "front matter"),
    ],
)
def test_invalid_values_are_refused(text, field):
    with pytest.raises(knowledge_pages.FrontMatterError) as info:
        knowledge_pages.parse_page(text, "fout.md")
    assert info.value.field == field


def test_roles_alle_means_every_role_and_slugs_are_checked():
    assert set(knowledge_pages.parse_page(VALID.replace("[professional]", "alle"), "x.md").roles) == access_roles.ALL_ROLES
    with pytest.raises(knowledge_pages.FrontMatterError) as info:
        knowledge_pages.parse_page(VALID, "Hoofdletters.md")
    assert info.value.field == "slug"
    with pytest.raises(knowledge_pages.FrontMatterError):
        knowledge_pages.parse_page(VALID, "feitencheck.md")


@pytest.mark.parametrize(
    "roles, role, expected",
    [
        (["professional"], "professional", True),
        (["professional"], "beleidsmedewerker", False),
        (["beleidsmedewerker", "functioneel_beheerder"], "functioneel_beheerder", True),
        (["professional"], None, False),
    ],
)
def test_is_for_role(roles, role, expected):
    assert knowledge_pages.is_for_role(roles, role) is expected


@pytest.mark.parametrize(
    "today, expected",
    [
        (dt.date(2027, 1, 30), False),
        (dt.date(2027, 1, 31), False),
        (dt.date(2027, 2, 1), True),
    ],
)
def test_overdue_the_day_after_the_review_date(today, expected):
    assert knowledge_pages.is_overdue(dt.date(2027, 1, 31), today) is expected


def test_duplicate_slugs_in_a_directory_are_refused(tmp_path: Path):
    (tmp_path / "a.md").write_text(VALID)
    (tmp_path / "b.md").write_text(VALID.replace("herzien_op:", "herzien_op:"))
    assert [page.slug for page in knowledge_pages.read_directory(tmp_path)] == ["a", "b"]
    (tmp_path / "c.md").write_text(without("sources"))
    with pytest.raises(knowledge_pages.FrontMatterError) as info:
        knowledge_pages.read_directory(tmp_path)
    assert info.value.filename == "c.md" and info.value.field == "sources"


# --- the shipped content -----------------------------------------------------------------------

CONTENT = Path(__file__).resolve().parents[1] / "content"


def test_every_shipped_page_is_valid_with_public_sources():
    pages = knowledge_pages.read_directory(CONTENT)
    assert len(pages) >= 9
    for page in pages:
        assert page.sources, page.filename
        assert all(s.url.startswith(("https://", "http://")) and "..." not in s.url for s in page.sources), page.filename
        assert page.samenvatting, page.filename


def test_each_role_of_the_issue_has_its_pages():
    by_role = {
        role: {page.slug for page in knowledge_pages.read_directory(CONTENT) if role in page.roles} for role in access_roles.ALL_ROLES
    }
    assert {"signalen-per-leeftijd", "meldcode-vijf-stappen", "veilig-thuis-raadplegen", "kindcheck"} <= by_role[access_roles.PROFESSIONAL]
    assert {"preventietypen", "van-risicofactor-naar-beleidskader", "interventies-kiezen"} <= by_role[access_roles.BELEIDSMEDEWERKER]
    assert {"kleurcode-in-de-praktijk", "casusoverleg"} <= by_role[access_roles.KETENREGISSEUR]


def test_shipped_pages_start_at_h2_and_never_skip_a_heading_level():
    for page in knowledge_pages.read_directory(CONTENT):
        levels = [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", page.body, flags=re.MULTILINE)]
        assert levels and levels[0] == 2, page.filename
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), page.filename
