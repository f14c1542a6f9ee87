"""The factchecker's data: every statement has a verdict, an explanation and a source with URL and year."""

from __future__ import annotations

import copy
import re

import pytest

from zicht.knowledge.domain import factcheck as fc

GOOD = {
    "uitspraak": [
        {
            "slug": "voorbeeld",
            "uitspraak": "Iets",
            "oordeel": "niet waar",
            "toelichting": "Omdat.",
            "top": True,
            "bronnen": [{"titel": "Bron", "url": "https://www.cbs.nl/", "jaar": 2023, "uitgever": "CBS"}],
        }
    ]
}


def broken(**changes):
    data = copy.deepcopy(GOOD)
    item = data["uitspraak"][0]
    for key, value in changes.items():
        if key.startswith("bron_"):
            if value is None:
                item["bronnen"][0].pop(key[5:])
            else:
                item["bronnen"][0][key[5:]] = value
        elif value is None:
            item.pop(key)
        else:
            item[key] = value
    return data


def test_the_shipped_file_is_valid():
    statements = fc.load_statements()
    assert len(statements) >= 10
    for s in statements:
        assert s.verdict in fc.VERDICTS and s.explanation and s.sources
        assert all(src.url.startswith(("https://", "http://")) and "..." not in src.url for src in s.sources)
        assert any(src.year for src in s.sources) and 1990 <= s.year <= 2026


def test_the_statements_the_issue_names_are_there():
    by_slug = {s.slug: s for s in fc.load_statements()}
    assert by_slug["vooral-in-achterstandswijken"].statement.startswith("Huiselijk geweld komt vooral voor in achterstandswijken")
    assert by_slug["getuigen-lijden-niet"].verdict == fc.NIET_WAAR


def test_every_figure_in_an_explanation_cites_a_cbs_or_named_source():
    """A number with four or more digits (a count) only appears where a source is named in the text or list."""
    for s in fc.load_statements():
        if re.search(r"\d\.\d{3}|\d+(,\d+)?%", s.explanation):
            assert s.sources and any(src.year for src in s.sources), s.slug


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"oordeel": "half waar"}, "oordeel"),
        ({"toelichting": None}, "toelichting"),
        ({"uitspraak": ""}, "uitspraak"),
        ({"bronnen": []}, "bronnen"),
        ({"bron_url": None}, "bronnen[1].url"),
        ({"bron_url": "www.cbs.nl"}, "bronnen[1].url"),
        ({"bron_titel": None}, "bronnen[1].titel"),
        ({"bron_jaar": None}, "bronnen.jaar"),
        ({"bron_jaar": "2023"}, "bronnen[1].jaar"),
        ({"slug": "Met Spatie"}, "slug"),
    ],
)
def test_invalid_statements_are_refused(changes, field):
    with pytest.raises(fc.FactcheckError) as info:
        fc.parse_statements(broken(**changes))
    assert info.value.field == field


def test_duplicate_slugs_are_refused():
    data = copy.deepcopy(GOOD)
    data["uitspraak"].append(copy.deepcopy(data["uitspraak"][0]))
    with pytest.raises(fc.FactcheckError):
        fc.parse_statements(data)


def test_top_facts_for_other_apps():
    statements = fc.parse_statements({"uitspraak": [{**GOOD["uitspraak"][0], "slug": f"s{i}", "top": i % 2 == 0} for i in range(6)]})
    assert [s.slug for s in fc.top_facts(2, statements)] == ["s0", "s2"]
    assert fc.top_facts(0, statements) == []
    shipped = fc.top_facts(3)
    assert len(shipped) == 3 and all(s.top for s in shipped)
