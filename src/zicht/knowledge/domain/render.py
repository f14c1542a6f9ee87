"""Markdown to safe HTML: the ``markdown`` package renders, ``nh3`` keeps only an allow-list.

Knowledge pages are written by people (in the repository and by the functioneel beheerder in the
UI), so their HTML is never trusted: scripts, event handlers, styles and ``javascript:`` links are
removed whatever the Markdown contains.

Internal links name a URL pattern instead of a path, so they survive route changes:
``[de catalogus](url:prevention:catalogue)``. The caller passes ``resolve(name) -> path | None``;
a name that does not resolve (an app not installed) leaves the link text without a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "hr",
    "br",
    "abbr",
    "dl",
    "dt",
    "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}

INTERNAL_LINK = re.compile(r"\[([^\]]+)\]\(url:([A-Za-z0-9_:-]+)\)")
HEADING = re.compile(r"<(/?)h([1-6])>")


def internal_link_names(text: str) -> list[str]:
    """The URL names an internal link refers to (for the test that every one resolves)."""
    return [match.group(2) for match in INTERNAL_LINK.finditer(text)]


def resolve_internal_links(text: str, resolve: Callable[[str], str | None]) -> str:
    def replace(match: re.Match) -> str:
        label, name = match.group(1), match.group(2)
        path = resolve(name)
        return f"[{label}]({path})" if path else label

    return INTERNAL_LINK.sub(replace, text)


def _demote_headings(html: str, top: int) -> str:
    """Shift headings so the highest one in the body is ``top`` (the page title is the h1)."""
    levels = [int(level) for _slash, level in HEADING.findall(html)]
    if not levels or min(levels) >= top:
        return html
    shift = top - min(levels)
    return HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}>", html)


def _table_markup(html: str) -> str:
    """NL Design System table style, caption and header scope, added after sanitising (fixed strings only).

    A paragraph ``Tabel: ...`` directly above a table becomes its caption (WCAG: tables have captions).
    """
    html = re.sub(r"<p>Tabel: (.+?)</p>\s*<table>", r"<table><caption>\1</caption>", html, flags=re.DOTALL)
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0"><table class="data">').replace("</table>", "</table></div>")

    def scope_head(match: re.Match) -> str:
        return match.group(0).replace("<th>", '<th scope="col">')

    return re.sub(r"<thead>.*?</thead>", scope_head, html, flags=re.DOTALL)


def render_markdown(text: str, resolve: Callable[[str], str | None] | None = None, top_heading: int = 2) -> str:
    """Markdown → sanitised HTML string (safe to mark as safe in a template)."""
    if resolve is not None:
        text = resolve_internal_links(text, resolve)
    else:
        text = INTERNAL_LINK.sub(lambda m: m.group(1), text)
    raw = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return _table_markup(_demote_headings(clean, top_heading))


def plain_text(text: str) -> str:
    """Markdown as plain text for search excerpts: markup characters and link targets dropped."""
    text = INTERNAL_LINK.sub(lambda m: m.group(1), text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[#*_>`|]+", " ", text)
    text = re.sub(r"-{3,}", " ", text)
    return re.sub(r"\s+", " ", text).strip()
