"""HTML of the colour list page that is built in Python: its 50 table rows and the filter options.

Built here because the template engine costs more per cell than the whole query; every value
is escaped with quotes (``pages.escape``), which ``tests/test_rendering.py`` proves.
"""

from __future__ import annotations

from django.utils.safestring import mark_safe

from zicht.core.i18n import translated

from ..domain.colour import COLOUR_LABELS
from ..pages import escape as e


def list_rows(rows: list[dict]) -> str:
    """The list's table rows (dicts with url, label, buurt, colour, reason, events, last)."""
    labels = translated(COLOUR_LABELS)
    return mark_safe(
        "".join(
            f'<tr><td><a href="{e(r["url"])}">{e(r["label"])}</a></td><td>{e(r["buurt"])}</td>'
            f'<td><span class="badge badge--{e(r["colour"])}">{e(labels.get(r["colour"], r["colour"].capitalize()))}</span></td><td>{e(r["reason"])}</td>'
            f'<td class="num">{e(r["events"])}</td><td>{e(r["last"])}</td></tr>\n'
            for r in rows
        )
    )


def options(choices, value: str) -> str:
    """``<option>`` elements of a plain select, the chosen value selected."""
    return mark_safe("".join(f'<option value="{e(v)}"{" selected" if str(v) == value else ""}>{e(text)}</option>' for v, text in choices))
