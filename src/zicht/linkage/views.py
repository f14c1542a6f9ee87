"""Review of uncertain person links by the ketenregisseur: queue, pair, decision, history."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

from zicht.access.purpose import with_purpose
from zicht.access.roles import KETENREGISSEUR
from zicht.access.rules import log_access, requires
from zicht.access.scoping import get_visible_or_404, visible
from zicht.core.redirects import safe_next
from zicht.registry.models import Person

from . import priority, services
from .models import LinkDecision, PersonLink, ReviewPair

FIELD_ROWS = [
    (N_("Voornamen"), "voornamen"),
    (N_("Tussenvoegsel"), "tussenvoegsel"),
    (N_("Achternaam"), "achternaam"),
    (N_("Geboortedatum"), "geboortedatum"),
    (N_("Geslacht"), "geslacht"),
]
MAX_BAR = 15.0  # match weight that fills a bar completely


def _name(p: Person) -> str:
    return " ".join(x for x in (p.voornamen, p.tussenvoegsel, p.achternaam) if x) or gettext("(naam onbekend)")


def _reason(request) -> str:
    return (request.POST.get("reden") or "").strip()


@requires(KETENREGISSEUR, personal_data=True)
def review_queue(request):
    status = request.GET.get("status", "open")
    if status not in dict(ReviewPair.STATUS):
        status = "open"
    qs = visible(request.user, ReviewPair, ReviewPair.objects.filter(status=status)).select_related("person_a__source", "person_b__source")
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    rows = [
        {"pair": rp, "name_a": _name(rp.person_a), "name_b": _name(rp.person_b), "priority": gettext(priority.LABELS.get(rp.priority, ""))}
        for rp in page
    ]
    shown = [("review_pair", rp.pk) for rp in page] + [("person", p) for rp in page for p in (rp.person_a_id, rp.person_b_id)]
    log_access(request, action="view", record_type="linkage_queue", record_id=f"{status}:{page.number}", records=shown)
    counts = {s: visible(request.user, ReviewPair, ReviewPair.objects.filter(status=s)).count() for s, _ in ReviewPair.STATUS}
    return render(
        request,
        "linkage/review_queue.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "statuses": ReviewPair.STATUS,
            "counts": counts,
            "last_run": services.LinkageRun.objects.first(),
        },
    )


def _side(person: Person) -> dict:
    addr = person.address
    pl = PersonLink.objects.filter(person=person).select_related("linked_person").first()
    members = PersonLink.objects.filter(linked_person_id=pl.linked_person_id).count() if pl else 1
    return {
        "person": person,
        "values": [(label, getattr(person, attr) or "") for label, attr in FIELD_ROWS],
        "adres": str(addr) if addr else "",
        "bron": person.source.naam,
        "bsn": gettext("aanwezig") if person.bsn_hash else gettext("niet bekend"),
        "link": pl,
        "members": members,
        # invalid values the import set aside (registry.domain.setaside): the reviewer weighs the rest
        "set_aside": list(person.set_aside_values.filter(resolved_at__isnull=True).order_by("field")),
    }


@requires(KETENREGISSEUR, personal_data=True)
@with_purpose("linkage_pair", kwarg="pk")
def pair_detail(request, pk: int):
    rp = get_visible_or_404(request.user, ReviewPair, pk)
    request.zicht_records = [("person", rp.person_a_id), ("person", rp.person_b_id)]  # logged by with_purpose
    a, b = _side(rp.person_a), _side(rp.person_b)
    for side in (a, b):
        for value in side["set_aside"]:  # the raw value is shown to the reviewer: a read of personal data
            log_access(
                request, action="view", record_type="set_aside_value", record_id=value.pk, reason=f"koppelpaar {rp.pk}: {value.description}"
            )
            if value.field == "person.bsn":
                side["bsn"] = value.shown_description
    rows = []
    for label, _ in FIELD_ROWS:
        va = next(v for lab, v in a["values"] if lab == label)
        vb = next(v for lab, v in b["values"] if lab == label)
        rows.append({"label": gettext(label), "a": va, "b": vb, "same": bool(va) and str(va).lower() == str(vb).lower()})
    rows.append({"label": gettext("Adres"), "a": a["adres"], "b": b["adres"], "same": bool(a["adres"]) and a["adres"] == b["adres"]})
    rows.append({"label": "BSN", "a": a["bsn"], "b": b["bsn"], "same": False})  # i18n: not UI (the same in English)
    rows.append({"label": gettext("Bron"), "a": a["bron"], "b": b["bron"], "same": False})
    labels = {
        "voornaam": gettext("Voornaam"),
        "achternaam": gettext("Achternaam"),
        "geboortedatum": gettext("Geboortedatum"),
        "geslacht": gettext("Geslacht"),
        "adres": gettext("Adres"),
        "kenmerk": gettext("Ander kenmerk"),
    }
    contributions = [
        {
            **c,
            # the level's label is stored Dutch with the pair (comparisons.py marks it): translated here
            "label": gettext(c["label"]) if c.get("label") else "",
            "name": labels.get(c["field"], c["field"]),
            "pct": min(100.0, abs(c["weight"]) / MAX_BAR * 100),
            "positive": c["weight"] >= 0,
        }
        for c in rp.contributions
    ]
    decisions = LinkDecision.objects.filter(
        person_a__in=[rp.person_a, rp.person_b], person_b__in=[rp.person_a, rp.person_b]
    ).select_related("decided_by", "revoked_by")
    different_bsn = bool(rp.person_a.bsn_hash and rp.person_b.bsn_hash and rp.person_a.bsn_hash != rp.person_b.bsn_hash)
    return render(
        request,
        "linkage/pair_detail.html",
        {
            "rp": rp,
            "a": a,
            "b": b,
            "rows": rows,
            "contributions": contributions,
            "prior": {"weight": rp.prior_weight, "pct": min(100.0, abs(rp.prior_weight) / MAX_BAR * 100)},
            "decisions": decisions,
            "different_bsn": different_bsn,
            "reason": request.zicht_reason,
        },
    )


@requires(KETENREGISSEUR, personal_data=True)
def pair_decide(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rp = get_visible_or_404(request.user, ReviewPair, pk)
    choice = request.POST.get("besluit")
    reason = _reason(request)
    if choice not in ("accept", "reject") or not reason:
        messages.error(request, gettext("Kies een besluit en geef een reden op."))
        return redirect("linkage:pair_detail", pk=pk)
    try:
        services.decide(rp, accept=choice == "accept", reason=reason, user=request.user)
    except ValueError as exc:
        messages.error(request, gettext(str(exc)))
        return redirect("linkage:pair_detail", pk=pk)
    log_access(
        request,
        action="change",
        record_type="linkage_pair",
        record_id=pk,
        reason=f"{choice}: {reason}",
        records=[("review_pair", pk), ("person", rp.person_a_id), ("person", rp.person_b_id)],
    )
    messages.success(
        request,
        gettext("Besluit vastgelegd: zelfde persoon.") if choice == "accept" else gettext("Besluit vastgelegd: verschillende personen."),
    )
    return redirect(reverse("linkage:review_queue"))


@requires(KETENREGISSEUR, personal_data=True)
def decision_history(request):
    qs = visible(request.user, LinkDecision, LinkDecision.objects.all()).select_related("decided_by", "revoked_by")
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    shown = [("link_decision", d.pk) for d in page] + [("person", p) for d in page for p in (d.person_a_id, d.person_b_id)]
    log_access(request, action="view", record_type="linkage_decisions", record_id=page.number, records=shown)
    return render(request, "linkage/decisions.html", {"page": page})


@requires(KETENREGISSEUR, personal_data=True)
def decision_revoke(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    d = get_visible_or_404(request.user, LinkDecision, pk)
    if d.revoked_at is not None:
        messages.error(request, gettext("Dit besluit is al teruggedraaid."))
        return redirect("linkage:decisions")
    reason = _reason(request)
    if not reason:
        messages.error(request, gettext("Geef een reden op om een besluit terug te draaien."))
        return redirect("linkage:decisions")
    services.revoke(d, reason=reason, user=request.user)
    log_access(request, action="change", record_type="linkage_decision", record_id=pk, reason=f"terugdraaien: {reason}")
    messages.success(request, gettext("Besluit teruggedraaid; de koppeling volgt weer het model."))
    return redirect("linkage:decisions")


@requires(KETENREGISSEUR, personal_data=True)
def person_split(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person = get_visible_or_404(request.user, Person, pk)
    reason = _reason(request)
    if not reason:
        messages.error(request, gettext("Geef een reden op om een persoon los te maken."))
        return redirect(safe_next(request, reverse("linkage:review_queue")))
    made = services.split(person, reason=reason, user=request.user)
    log_access(request, action="change", record_type="person_link", record_id=pk, reason=f"losmaken: {reason}", records=[("person", pk)])
    messages.success(request, gettext("Persoon losgemaakt (%(n)d besluiten vastgelegd).") % {"n": len(made)})
    return redirect("linkage:decisions")
