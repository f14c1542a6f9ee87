"""HTML of the address and household page that is built in Python: timeline, colour history,
persons, help trajectories and the evidence links of the colour's reasons.

The page's longest loops, built here because the template engine costs several times more per
cell; every value is escaped with quotes (``pages.escape``), which ``tests/test_rendering.py`` proves.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from zicht.core.i18n import translated

from ..domain.colour import BUILT_IN_RULES, COLOUR_LABELS
from ..pages import choice_labels, date_text, datetime_text
from ..pages import escape as e
from .models import Hulptraject


def timeline_rows(timeline: list[dict], with_address: bool) -> str:
    """The timeline's table rows (dicts of ``subject.timeline``)."""
    rows = []
    counts, no_address = gettext("(telt mee voor de kleur)"), gettext("adres")
    for r in timeline:
        address = ""
        if with_address:
            link = f'<a href="{e(r["address_url"])}">{e(r["address"] or no_address)}</a>' if r["address_url"] else ""
            address = f"<td>{link}</td>"
        evidence = f' <span class="note">{e(counts)}</span>' if r["evidence"] else ""
        rows.append(
            f'<tr id="melding-{e(r["id"])}"><td>{e(r["datum"])}{evidence}</td><td>{e(r["soort"])}</td><td>{e(r["source"])}</td>'
            f"<td>{e(r['aard'])}</td><td>{e(r['features'])}</td><td>{e(r['roles'])}</td>{address}</tr>\n"
        )
    return mark_safe("".join(rows))


def evidence_links(evidence: list[dict]) -> str:
    """Links from a reason of the colour to the timeline rows of its reports."""
    return mark_safe(", ".join(f'<a href="#melding-{e(r["id"])}">{e(r["text"])}</a>' for r in evidence))


def history_rows(history: list[dict]) -> str:
    """The colour history's table rows."""
    labels, current, built_in = translated(COLOUR_LABELS), gettext("huidig"), translated(BUILT_IN_RULES)
    return mark_safe(
        "".join(
            f'<tr><td>{e(datetime_text(h["evaluated_at"]))}</td><td><span class="badge badge--{e(h["colour"])}">'
            f"{e(labels.get(h['colour'], h['colour']))}</span></td><td>{e(h['ruleset_version'])}</td><td>{e(','.join(built_in.get(i, i) for i in (h['rule_ids'] or '').split(',')))}</td>"
            f"<td>{e(datetime_text(h['superseded_at']) or current)}</td></tr>\n"
            for h in history
        )
    )


def people_rows(people: list[dict]) -> str:
    """The persons table: names masked until 'Toon naam' (zicht.js)."""
    if not people:
        none = e(gettext("Geen betrokkenen geregistreerd."))
        return mark_safe(f'<tr><td colspan="5">{none}</td></tr>\n')
    show, unlinked = e(gettext("Toon naam")), e(gettext("niet gekoppeld"))
    return mark_safe(
        "".join(
            f'<tr><td><span class="masked" id="p-{e(p["id"])}">{e(p["name"])}</span> <button type="button" class="button button--secondary" '
            f'data-reveal="p-{e(p["id"])}" aria-pressed="false">{show}</button></td>'
            f'<td class="num">{"?" if p["age"] is None else e(p["age"])}</td><td>{e(p["roles"])}</td><td>{e(p["sources"])}</td>'
            f"<td>{'#' + e(p['linked']) if p['linked'] else unlinked}</td></tr>\n"
            for p in people
        )
    )


def help_rows(items: list[dict]) -> str:
    """Help trajectories (dicts of ``queries.address_help``) as table rows, each with its edit link."""
    if not items:
        none = e(gettext("Geen hulp vastgelegd."))
        return mark_safe(f'<tr><td colspan="6">{none}</td></tr>\n')
    soorten, uitkomsten = choice_labels(Hulptraject, "soort"), choice_labels(Hulptraject, "uitkomst")
    running, edit_text = gettext("loopt"), e(gettext("Wijzigen of afsluiten"))
    edit = reverse("casework:help_edit", args=[0])[:-2]
    return mark_safe(
        "".join(
            f"<tr><td>{e(soorten.get(h['soort'], h['soort']))}</td><td>{e(h['organisation'])}</td><td>{e(date_text(h['start']))}</td>"
            f"<td>{e(date_text(h['einde']) or running)}</td><td>{e(uitkomsten.get(h['uitkomst'], h['uitkomst']) or '—')}</td>"
            f'<td><a href="{e(edit)}{e(h["id"])}/">{edit_text}</a></td></tr>\n'
            for h in items
        )
    )
