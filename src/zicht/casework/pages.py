"""What the pages of the three casework parts share: paging, the user's organisation, person
names from model rows, and the small text formats of the tables."""

from __future__ import annotations

import functools
import html

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import get_language, gettext

from zicht.access.rules import user_organisation
from zicht.core.dates import parse_iso_date

from .domain import people

PAGE_SIZE = 50
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def own_organisation(request):
    org = user_organisation(request.user)
    if org is None:
        raise PermissionDenied(gettext("Uw account is niet aan een organisatie gekoppeld."))
    return org


def full_name(person) -> str:
    return people.full_name(person.voornamen, person.tussenvoegsel, person.achternaam, person.pk)


def initials(person) -> str:
    return people.initials(person.voornamen, person.tussenvoegsel, person.achternaam, person.pk)


def birth_date(person):
    return parse_iso_date(person.geboortedatum)


def escape(value) -> str:
    """HTML-escape a cell (quotes included); the stdlib escape, without Django's lazy-string checks."""
    return html.escape(str(value))


def date_text(value) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def datetime_text(value) -> str:
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else ""


def address_text(straat, huisnummer, toevoeging, postcode, woonplaats) -> str:
    """``str(Address)`` from its parts without building a model (tested to match)."""
    pc = postcode or ""
    return f"{straat or ''} {huisnummer or ''}{toevoeging or ''}, {pc[:4]} {pc[4:]} {woonplaats or ''}".strip()


def choice_labels(model, field: str) -> dict:
    """Choice labels of a field in the active language (fixed per process and language)."""
    return _choice_labels(model, field, get_language())


@functools.cache
def _choice_labels(model, field: str, language: str | None) -> dict:
    return {k: str(v) for k, v in model._meta.get_field(field).flatchoices}
