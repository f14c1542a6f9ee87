"""Loading the repository's pages into the database and saving edits with a version each time."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.db.models import Max, Q
from django.urls import NoReverseMatch, reverse

from .domain import pages as pages_domain
from .domain import render, search

CONTENT_DIR = Path(__file__).resolve().parent / "content"
REPOSITORY = "repository"


def stored_note(what: str, filename: str) -> str:
    """A version note stored with the page (data, in Dutch like the pages themselves)."""
    return f"{what} {filename}"


def resolve_url_name(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def render_page_body(body: str) -> str:
    return render.render_markdown(body, resolve=resolve_url_name)


def _fields(source: pages_domain.PageSource) -> dict:
    return {
        "title": source.title,
        "samenvatting": source.samenvatting,
        "roles": list(source.roles),
        "sources": [s.as_dict() for s in source.sources],
        "herzien_op": source.herzien_op,
        "body": source.body,
        "volgorde": source.volgorde,
        "source_file": source.filename,
    }


def add_version(page, *, user=None, name: str | None = None, note: str = "", version_model=None):
    version_model = version_model or page.versions.model
    last = version_model.objects.filter(page=page).aggregate(n=Max("number"))["n"] or 0
    snapshot = (
        page.snapshot()
        if hasattr(page, "snapshot")
        else {
            "title": page.title,
            "samenvatting": page.samenvatting,
            "roles": list(page.roles),
            "sources": list(page.sources),
            "herzien_op": page.herzien_op,
            "body": page.body,
        }
    )
    return version_model.objects.create(
        page=page,
        number=last + 1,
        changed_by=user,
        changed_by_name=name or (user.get_username() if user is not None else REPOSITORY),
        note=note[:300],
        **snapshot,
    )


def load_pages(directory: Path | None = None, *, overwrite: bool = False, page_model=None, version_model=None) -> dict:
    """Create or update pages from the Markdown files. Pages edited in the UI are kept unless ``overwrite``.

    All files are validated before anything is written, so one bad file loads nothing.
    ``page_model``/``version_model`` let the data migration pass its historical models.
    """
    if page_model is None:
        from .models import KnowledgePage as page_model
        from .models import KnowledgePageVersion as version_model
    sources = pages_domain.read_directory(directory or CONTENT_DIR)
    counts = {"nieuw": 0, "bijgewerkt": 0, "ongewijzigd": 0, "overgeslagen": 0}
    with transaction.atomic():
        for source in sources:
            fields = _fields(source)
            page = page_model.objects.filter(slug=source.slug).first()
            if page is None:
                page = page_model.objects.create(slug=source.slug, **fields)
                add_version(page, note=stored_note("Geladen uit", source.filename), version_model=version_model)
                counts["nieuw"] += 1
                continue
            if page.edited_in_ui and not overwrite:
                counts["overgeslagen"] += 1
                continue
            current = {name: getattr(page, name) for name in fields}
            if current == fields and not page.edited_in_ui:
                counts["ongewijzigd"] += 1
                continue
            for name, value in fields.items():
                setattr(page, name, value)
            page.edited_in_ui = False
            page.save()
            add_version(page, note=stored_note("Bijgewerkt uit", source.filename), version_model=version_model)
            counts["bijgewerkt"] += 1
    return counts


@transaction.atomic
def save_edit(page, *, user, data: dict, note: str):
    """Apply an edit by the functioneel beheerder and record it as a new version."""
    for name in ("title", "samenvatting", "roles", "sources", "herzien_op", "body"):
        setattr(page, name, data[name])
    page.edited_in_ui = True
    page.save()
    return add_version(page, user=user, note=note)


def search_pages(queryset, query: str):
    """Pages matching every term (icontains, portable), ranked by title hits first."""
    query_terms = search.terms(query)
    if not query_terms:
        return []
    for term in query_terms:
        queryset = queryset.filter(Q(title__icontains=term) | Q(samenvatting__icontains=term) | Q(body__icontains=term))
    ranked = search.rank(list(queryset), query_terms)
    return [(page, search.excerpt(render.plain_text(page.body), query_terms)) for page in ranked]
