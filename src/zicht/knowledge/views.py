"""Knowledge pages per role, search, the factchecker, and editing with history by the functioneel beheerder.

No page here shows personal data (``personal_data=False``); every role can read the knowledge
(it is not confidential), each role sees its own pages first. Only the functioneel beheerder edits.
"""

from __future__ import annotations

import datetime as dt
import difflib

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from zicht.access import roles as access_roles
from zicht.access.rules import requires, user_role

from . import services
from .domain import factcheck
from .forms import KnowledgePageForm
from .models import KnowledgePage

READ = tuple(sorted(access_roles.ALL_ROLES))
EDIT = (access_roles.FUNCTIONEEL_BEHEERDER,)


def _today() -> dt.date:
    return dt.date.today()


@requires(*READ)
def index(request):
    role = user_role(request.user)
    query = (request.GET.get("q") or "").strip()[:200]
    pages = list(KnowledgePage.objects.all())
    today = _today()
    context = {
        "query": query,
        "own": [p for p in pages if p.is_for_role(role)],
        "other": [p for p in pages if not p.is_for_role(role)],
        "role_label": access_roles.label(role) if role else "",
        "is_beheerder": role == access_roles.FUNCTIONEEL_BEHEERDER,
        "overdue": [p for p in pages if p.is_overdue(today)] if role == access_roles.FUNCTIONEEL_BEHEERDER else [],
    }
    if query:
        context["results"] = services.search_pages(KnowledgePage.objects.all(), query)
    return render(request, "knowledge/index.html", context)


@requires(*READ)
def page(request, slug):
    obj = get_object_or_404(KnowledgePage, slug=slug)
    role = user_role(request.user)
    return render(
        request,
        "knowledge/page.html",
        {
            "page": obj,
            "html": mark_safe(services.render_page_body(obj.body)),  # sanitised by nh3 in render_markdown
            "for_role": obj.is_for_role(role),
            "is_beheerder": role == access_roles.FUNCTIONEEL_BEHEERDER,
            "overdue": obj.is_overdue(_today()),
            "role_labels": [access_roles.label(code) for code in obj.roles],
        },
    )


@requires(*EDIT)
def edit(request, slug):
    obj = get_object_or_404(KnowledgePage, slug=slug)
    if request.method == "POST":
        form = KnowledgePageForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            note = data.pop("note")
            version = services.save_edit(obj, user=request.user, data=data, note=note)
            messages.success(request, _("Opgeslagen als versie %(nummer)s.") % {"nummer": version.number})
            return redirect("knowledge:page", slug=obj.slug)
    else:
        form = KnowledgePageForm(initial=KnowledgePageForm.initial_for(obj))
    preview = None
    if request.method == "POST" and form.data.get("body"):
        preview = mark_safe(services.render_page_body(form.data["body"]))  # sanitised
    return render(request, "knowledge/edit.html", {"page": obj, "form": form, "preview": preview})


@requires(*EDIT)
def history(request, slug):
    obj = get_object_or_404(KnowledgePage, slug=slug)
    versions = list(obj.versions.order_by("number"))
    rows = []
    previous = None
    for version in versions:
        changes = []
        if previous is not None:
            for name, label in (
                ("title", _("titel")),
                ("samenvatting", _("samenvatting")),
                ("roles", _("rollen")),
                ("sources", _("bronnen")),
                ("herzien_op", _("herzien op")),
                ("body", _("tekst")),
            ):
                if getattr(previous, name) != getattr(version, name):
                    changes.append(label)
            diff = "\n".join(
                difflib.unified_diff(
                    previous.body.splitlines(),
                    version.body.splitlines(),
                    _("versie %(nummer)s") % {"nummer": previous.number},
                    _("versie %(nummer)s") % {"nummer": version.number},
                    lineterm="",
                    n=1,
                )
            )
        else:
            changes, diff = [_("eerste versie")], ""
        rows.append({"version": version, "changes": changes, "diff": diff})
        previous = version
    rows.reverse()
    return render(request, "knowledge/history.html", {"page": obj, "rows": rows})


@requires(*READ)
def factchecker(request):
    statements = factcheck.load_statements()
    counts = {verdict: sum(1 for s in statements if s.verdict == verdict) for verdict in factcheck.VERDICTS}
    return render(request, "knowledge/factcheck.html", {"statements": statements, "counts": counts})
