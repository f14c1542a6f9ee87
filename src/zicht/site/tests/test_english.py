"""Issue 18 item 6: the UI in English.

Three checks, each meaningful on its own:

1. The template text: every template's own words are inside ``{% translate %}`` /
   ``{% blocktranslate %}`` (or in an element marked with another ``lang``, like the switch's
   "English"), so none of the common Dutch words below can reach an English page from a template.
2. The catalogue: ``src/zicht/locale/en/LC_MESSAGES/django.po`` has no untranslated and no fuzzy
   entry, and its compiled ``.mo`` is what Django loads.
3. Every page of every role, rendered in English (the language cookie the switch sets): the
   ``<html lang>`` is ``en`` and no text of the page is a Dutch message of the catalogue, i.e. each
   translated message really is translated on the page (compiled, loaded, not served from a Dutch
   cache). Dutch stays the default: the same page without the cookie is Dutch, whatever the
   browser's Accept-Language says.

What is still Dutch by design: the data (names of wijken, organisations, the factchecker's
statements, knowledge pages). Texts built in Python are checked statically in
``test_python_text.py``; every page is checked against every Dutch message, the templates' and
Python's alike — see docs/i18n.md.
"""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from tests.test_authorization_matrix import OWN, ROUTES, build_path, build_world, declared, login

import zicht
from zicht.access import roles as access_roles

SRC = Path(zicht.__file__).resolve().parent
PO = SRC / "locale" / "en" / "LC_MESSAGES" / "django.po"
TEMPLATES = sorted(p for p in SRC.rglob("*.html") if "templates" in p.parts)

# Frequent Dutch words of Zicht's UI: articles, prepositions, verbs of buttons, domain nouns.
COMMON_DUTCH = set(
    [
        "de",
        "het",
        "een",
        "en",
        "van",
        "voor",
        "naar",
        "met",
        "niet",
        "geen",
        "op",
        "bij",
        "uit",
        "als",
        "wordt",
        "worden",
        "zijn",
        "is",
        "deze",
        "dit",
        "die",
        "dat",
        "wat",
        "wie",
        "hoe",
        "waar",
        "welke",
        "ook",
        "nog",
        "alleen",
        "uw",
        "u",
        "per",
        "over",
        "tot",
        "na",
        "door",
        "om",
        "aan",
        "zonder",
        "binnen",
        "eerst",
        "alle",
        "elke",
        "zoeken",
        "opslaan",
        "terug",
        "toevoegen",
        "wijzigen",
        "verwijderen",
        "annuleren",
        "bewerken",
        "toon",
        "tonen",
        "afdrukken",
        "inloggen",
        "uitloggen",
        "vastleggen",
        "exporteren",
        "importeren",
        "bevestigen",
        "doorgaan",
        "kies",
        "pagina",
        "tabel",
        "kaart",
        "jaar",
        "aantal",
        "naam",
        "datum",
        "bron",
        "reden",
        "gemeente",
        "wijk",
        "buurt",
        "meldingen",
        "melding",
        "registratie",
        "registraties",
        "gebied",
        "inwoners",
        "aandeel",
        "overzicht",
        "gegevens",
        "organisatie",
        "organisaties",
        "persoon",
        "personen",
        "huishouden",
        "kinderen",
        "signaal",
        "signalen",
        "plan",
        "plannen",
        "versie",
        "actie",
        "acties",
        "leden",
        "lid",
        "bijeenkomst",
        "risicofactoren",
        "preventie",
        "kennis",
    ]
)
# Words a template may show untranslated: the product's name and format names.
ALLOWED = {"Zicht", "CSV", "XLSX", "PDF", "SVG", "PNG", "DOCX"}
INCLUDE_TEXT_KEYS = {"caption", "first_header", "title", "label", "heading", "note", "text", "legend"}  # include arguments shown as text
VISIBLE_ATTRS = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')


def template_text(source: str) -> tuple[list[str], list[str]]:
    """(words of the text nodes, words of the visible attributes) a template shows untranslated."""
    s = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", " ", source, flags=re.S)
    s = re.sub(r"\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}", " ", s, flags=re.S)
    s = re.sub(r"<(script|style)\b.*?</\1>", " ", s, flags=re.S)
    s = re.sub(r'<(\w+)\b[^>]*\blang="[a-z-]+"[^>]*>.*?</\1>', " ", s, flags=re.S)  # text in another language on purpose
    attrs = [re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", value) for value in VISIBLE_ATTRS.findall(s)]
    # texts passed to an included template (caption="…"): translated only as _("…")
    for tag in re.findall(r"\{%\s*include\b.*?%\}", s, flags=re.S):
        attrs += [value for key, value in re.findall(r'(\w+)="([^"]*)"', tag) if key in INCLUDE_TEXT_KEYS]
    s = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", s, flags=re.S)
    s = re.sub(r"<[^>]*>", " ", s)
    s = re.sub(r"&[#\w]+;", " ", s)
    words = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
    return words.findall(s), [w for value in attrs for w in words.findall(value)]


def test_the_lint_sees_untranslated_text():
    text, attrs = template_text('{% load i18n %}<p title="Terug">Naar de kaart {{ x }}</p><b>{% translate "Wijk" %}</b>')
    assert text == ["Naar", "de", "kaart"] and attrs == ["Terug"]
    assert template_text('{% include "a.html" with caption="Per wijk" tid="x" %}{% include "a.html" with caption=_("Per wijk") %}')[1] == [
        "Per",
        "wijk",
    ]
    text, attrs = template_text('<button lang="en">English</button>{% blocktranslate with n=x %}{{ n }} wijken{% endblocktranslate %}')
    assert text == [] and attrs == []


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(SRC)) for p in TEMPLATES])
def test_template_text_is_translatable(path):
    text, attrs = template_text(path.read_text(encoding="utf-8"))
    dutch = sorted({w for w in text + attrs if w.lower() in COMMON_DUTCH})
    assert not dutch, f"Dutch template text outside {{% translate %}}: {dutch}"
    other = sorted({w for w in text + attrs if w not in ALLOWED})
    assert not other, f"template text outside {{% translate %}}: {other}"


def po_entries(path: Path = PO) -> list[dict]:
    entries, current, key = [], {"flags": ""}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif m := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line):
            key = m.group(1)
            current[key] = ast.literal_eval(m.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip() and "msgid" in current:
            entries.append(current)
            current, key = {"flags": ""}, None
    return entries


def test_po_has_no_untranslated_or_fuzzy_entries():
    entries = [e for e in po_entries() if e["msgid"]]
    assert len(entries) > 900
    untranslated = [e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated and not fuzzy, (untranslated[:10], fuzzy[:10])


def test_the_compiled_catalogue_is_loaded():
    assert PO.with_suffix(".mo").exists(), "run `make messages` (django-admin compilemessages)"
    with translation.override("en"):
        assert translation.gettext("Uitloggen") == "Log out"
        assert translation.gettext("Gebiedscan") == "Area scan"  # a menu label (zicht makemessages)
    with translation.override("nl"):
        assert translation.gettext("Uitloggen") == "Uitloggen"


def data_strings() -> str:
    """The text of the data files (knowledge pages, catalogues): a page shows the data as it is, in
    Dutch by design, so a catalogue message equal to a data text is left out of the page check."""
    return " ".join(
        " ".join(p.read_text(encoding="utf-8", errors="replace").split())
        for p in SRC.rglob("*")
        if p.suffix in (".md", ".toml", ".csv", ".yaml", ".json") and ("content" in p.parts or "data" in p.parts)
    ).lower()


def dutch_messages() -> set[str]:
    """Catalogue messages whose English differs, as they appear on a page (placeholders left out),
    minus the data texts. Templates' and Python's messages alike: every app builds its text through
    gettext (``test_python_text.py``), so a Dutch message on an English page is a missing translation."""
    data = data_strings()
    out = set()
    for e in po_entries():
        if e["msgid"] and e.get("msgstr") and e["msgstr"] != e["msgid"] and "%(" not in e["msgid"]:
            text = " ".join(e["msgid"].replace("%%", "%").split())
            if text.lower() not in data:
                out.add(text)
    return out


def test_the_page_check_covers_the_template_and_python_messages():
    messages = dutch_messages()
    assert len(messages) > 1000  # most of the catalogue: the check is not emptied by the exclusions
    assert {"Scherm afschermen", "Terug naar de cijfers", "Nieuwe buurtregie", "Lid toevoegen", "Wegingen per agendapunt"} <= messages
    # text built in Python (figure tables, home cards, forms)
    assert {"Meldingen per 1.000 inwoners", "Het lopende jaar kan onvolledig zijn.", "Politie-incidenten"} <= messages


def text_nodes(html: str) -> list[str]:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<(\w+)\b[^>]*\blang="nl"[^>]*>.*?</\1>', " ", html, flags=re.S)  # the switch back to Dutch
    nodes = [" ".join(unescape(t).split()) for t in re.split(r"<[^>]*>", html)]
    attrs = [" ".join(unescape(v).split()) for v in VISIBLE_ATTRS.findall(html)]
    return [n for n in nodes + attrs if n]


def english_client(role, world) -> Client:
    client = Client(raise_request_exception=False)
    login(client, role, world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(access_roles.ALL_ROLES))
def test_every_page_of_the_role_in_english(role):
    world = build_world()
    client = english_client(role, world)
    dutch = dutch_messages()
    checked, problems = 0, {}
    for route, name, callback in ROUTES:
        if declared(callback, "zicht_public", False) or role not in (declared(callback, "zicht_roles") or ()):
            continue
        path = build_path(route, OWN, name, world)
        if path is None or path.startswith(("/beheer/", "/api/")):
            continue
        response = client.get(path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        checked += 1
        if '<html lang="en">' not in html:
            problems[path] = ["<html lang> is not en"]
        left = sorted({n for n in text_nodes(html) if n in dutch})
        if left:
            problems.setdefault(path, []).extend(left)
    assert checked >= 3, f"{role}: only {checked} pages rendered"
    assert not problems, f"{role}: Dutch UI text on English pages: {problems}"


@pytest.mark.django_db
def test_dutch_is_the_default_and_the_switch_changes_it():
    world = build_world()
    client = Client(raise_request_exception=False)
    login(client, access_roles.BELEIDSMEDEWERKER, world)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="nl">' in home and "Uitloggen" in home  # the browser's language is not followed
    assert 'name="language" value="en" lang="en">English' in home  # the switch, in its own language
    response = client.post("/taal/", {"language": "en", "next": "/gebied/"})
    assert response.status_code == 302 and response["Location"] == "/gebied/"
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page and "Log out" in page and "Area scan" in page
    assert 'value="nl" lang="nl">Nederlands' in page
    # an unsafe next is not followed; GET does not switch
    assert client.post("/taal/", {"language": "nl", "next": "https://evil.example/"})["Location"] == "/"
    assert client.get("/taal/?language=en").status_code == 405
