"""Rendering is sanitised; internal links resolve; search ranks title hits first (pure)."""

from __future__ import annotations

import pytest

from zicht.knowledge.domain import render, search


@pytest.mark.parametrize(
    "markdown_text, forbidden",
    [
        ("Hallo <script>alert('x')</script> wereld", ["<script", "alert("]),
        ('<img src="x" onerror="alert(1)">', ["onerror", "<img"]),
        ("[klik](javascript:alert(1))", ["javascript:"]),
        ('<a href="https://x.nl" onclick="steal()">x</a>', ["onclick"]),
        ("<style>body{display:none}</style>tekst", ["<style", "display:none"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe"]),
        ('<p style="color:red">x</p>', ["style="]),
    ],
)
def test_dangerous_markup_is_removed(markdown_text, forbidden):
    html = render.render_markdown(markdown_text)
    for fragment in forbidden:
        assert fragment not in html


def test_ordinary_markdown_survives():
    html = render.render_markdown("## Kop\n\n- **vet** en *schuin*\n\n[bron](https://www.cbs.nl/)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Kop</h2>" in html and "<strong>vet</strong>" in html and "<em>schuin</em>" in html
    assert 'href="https://www.cbs.nl/"' in html and 'rel="noopener noreferrer"' in html
    assert '<table class="data">' in html and '<th scope="col">a</th>' in html


def test_a_tabel_paragraph_becomes_the_caption():
    html = render.render_markdown("Tabel: Afwegingen\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert '<table class="data"><caption>Afwegingen</caption>' in html and "<p>Tabel:" not in html


def test_an_h1_in_the_body_is_demoted_below_the_page_title():
    html = render.render_markdown("# Eén\n\n## Twee\n")
    assert "<h1>" not in html and "<h2>Eén</h2>" in html and "<h3>Twee</h3>" in html


def test_internal_links_resolve_or_become_text():
    paths = {"prevention:catalogue": "/preventie/catalogus/"}
    html = render.render_markdown("Zie [de catalogus](url:prevention:catalogue) en [weg](url:bestaat:niet).", resolve=paths.get)
    assert '<a href="/preventie/catalogus/"' in html and "weg" in html and "url:" not in html
    assert render.internal_link_names("[a](url:x:y) [b](https://z)") == ["x:y"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Meldcode  meldcode", ["meldcode"]),
        ("a b cd", ["cd"]),
        ("", []),
        ("  ", []),
    ],
)
def test_terms(query, expected):
    assert search.terms(query) == expected


class Page:
    def __init__(self, title, body, samenvatting=""):
        self.title, self.body, self.samenvatting = title, body, samenvatting


def test_title_hits_rank_before_body_hits_and_every_term_must_match():
    pages = [Page("Casusoverleg", "meldcode meldcode meldcode"), Page("De meldcode", "stappen"), Page("Kindcheck", "niets")]
    ranked = search.rank(pages, ["meldcode"])
    assert [p.title for p in ranked] == ["De meldcode", "Casusoverleg"]
    assert search.rank(pages, ["meldcode", "stappen"])[0].title == "De meldcode"
    assert search.rank(pages, ["meldcode", "ontbreekt"]) == []


def test_excerpt_shows_the_hit():
    text = "a " * 200 + "Veilig Thuis raadplegen" + " b" * 200
    snippet = search.excerpt(text, ["veilig"])
    assert "Veilig Thuis" in snippet and snippet.startswith("…") and len(snippet) < 200
