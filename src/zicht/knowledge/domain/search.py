"""Search over knowledge pages: every term must occur (title, summary or body); title hits rank first.

The database narrows with ``icontains`` per term (portable between SQLite and PostgreSQL); these
functions rank the candidates and make the excerpt.
"""

from __future__ import annotations

import re

TITLE_WEIGHT = 10
SUMMARY_WEIGHT = 3
MAX_TERMS = 8


def terms(query: str) -> list[str]:
    """Lower-cased words of at least two characters, at most MAX_TERMS, in order, without repeats."""
    words = [w for w in re.split(r"\s+", (query or "").strip().lower()) if len(w) >= 2]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def score(title: str, summary: str, body: str, query_terms: list[str]) -> int:
    """0 when a term is missing everywhere; otherwise title hits weigh most, then summary, then body."""
    title, summary, body = title.lower(), (summary or "").lower(), body.lower()
    total = 0
    for term in query_terms:
        hits = TITLE_WEIGHT * title.count(term) + SUMMARY_WEIGHT * summary.count(term) + body.count(term)
        if hits == 0:
            return 0
        total += hits
    return total


def rank(candidates, query_terms: list[str], key=lambda page: (page.title, page.samenvatting, page.body)):
    """Candidates with a positive score, best first (ties by title)."""
    scored = []
    for page in candidates:
        title, summary, body = key(page)
        value = score(title, summary, body, query_terms)
        if value:
            scored.append((-value, title.lower(), page))
    return [page for _value, _title, page in sorted(scored, key=lambda item: (item[0], item[1]))]


def excerpt(text: str, query_terms: list[str], width: int = 160) -> str:
    """About ``width`` characters of plain text around the first hit of a term."""
    lower = text.lower()
    positions = [lower.find(t) for t in query_terms if lower.find(t) >= 0]
    if not positions:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, min(positions) - width // 3)
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
