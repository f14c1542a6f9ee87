"""The edit form of the functioneel beheerder; the same validation as the repository loader."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zicht.access.roles import ROLES

from .domain import pages as pages_domain

SOURCE_HELP = _("Eén bron per regel: titel | URL | uitgever | jaar (uitgever en jaar mogen leeg). Minstens één openbare bron.")


def sources_to_text(sources: list[dict]) -> str:
    lines = []
    for s in sources:
        lines.append(
            " | ".join([s.get("title", ""), s.get("url", ""), s.get("publisher", "") or "", str(s.get("year") or "")]).rstrip(" |")
        )
    return "\n".join(lines)


def text_to_sources(text: str) -> list[dict]:
    result = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts += [""] * (4 - len(parts))
        year = parts[3]
        result.append({"title": parts[0], "url": parts[1], "publisher": parts[2], "year": int(year) if year.isdigit() else (year or None)})
    return result


class KnowledgePageForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200)
    samenvatting = forms.CharField(label=_("Samenvatting (voor de kaart op de startpagina)"), max_length=300, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Voor welke rollen"), choices=[(code, _(label)) for code, label in ROLES], widget=forms.CheckboxSelectMultiple
    )
    herzien_op = forms.DateField(
        label=_("Herzien op (uiterlijk)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Na deze datum wordt de pagina gemarkeerd als 'herziening nodig'."),
    )
    sources = forms.CharField(label=_("Bronnen"), widget=forms.Textarea(attrs={"rows": 5}), help_text=SOURCE_HELP)
    body = forms.CharField(
        label=_("Tekst (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("Koppen beginnen bij ##. Interne links: [tekst](url:prevention:catalogue). HTML en scripts worden verwijderd."),
    )
    note = forms.CharField(label=_("Wat heeft u gewijzigd en waarom?"), max_length=300)

    def clean_sources(self):
        try:
            sources = pages_domain.validate_sources(text_to_sources(self.cleaned_data["sources"]), "formulier")
        except pages_domain.FrontMatterError as exc:
            raise forms.ValidationError(f"{exc.field.replace('sources', 'bron')}: {exc.message}") from None
        return [s.as_dict() for s in sources]

    def clean_roles(self):
        return list(pages_domain.validate_roles(self.cleaned_data["roles"], "formulier"))

    @classmethod
    def initial_for(cls, page) -> dict:
        return {
            "title": page.title,
            "samenvatting": page.samenvatting,
            "roles": list(page.roles),
            "herzien_op": page.herzien_op,
            "sources": sources_to_text(page.sources),
            "body": page.body,
        }
