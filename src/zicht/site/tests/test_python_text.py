"""Issue 18 item 6: user-visible text built in Python goes through gettext.

A static check over the AST of the apps in ``src/zicht`` (tests, migrations, synth, bench,
management commands' console output and the top-level configuration modules left out). A string literal in a *UI position* is flagged when it
contains letters (other than the product's and the formats' names) and is not inside a
``gettext``/``gettext_lazy``/``_``/``pgettext``/``ngettext``/``N_`` call. UI positions:

- keyword arguments (and ``class Meta`` attributes) ``verbose_name``, ``verbose_name_plural``, ``label``, ``help_text``,
  ``empty_label``, ``title``, ``caption``, ``note``, ``toelichting`` (and a few more, KEYWORDS);
- the message of ``messages.success/info/warning/error/debug`` (``add_message``'s third) and of
  ``ValidationError``;
- the display side of ``choices=[(key, "Label"), ...]``;
- the text arguments of the builders of figure tables, charts and maps (POSITIONAL: title, row
  header and column headers of ``FigureTable``; a chart's title; ...), and the values of dict
  literals under the keys of KEYWORDS (chart series ``{"label": "Totaal"}``);
- module or class constants named ``*_LABELS``, ``*CHOICES``, ``*_NOTE``, ``*_TITLE(S)``,
  ``*_HEADER(S)``, ``*_TASKS``: their display side (dict values, the second element of pairs, the
  string); and the constants of SHOWN_CONSTANTS (every string in them).

Enforced for every app but the API (ENFORCED_APPS; the API's text stays Dutch by design, its
offenders are printed with ``pytest -s``). A literal that is not UI text in such a position (an identifier,
a CSS class) carries ``# i18n: not UI`` on one of the lines of its statement.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import zicht

SRC = Path(zicht.__file__).resolve().parent
ALL_APPS = frozenset(
    p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in ("synth", "bench", "locale")
)
# Apps whose user-visible Python text must be wrapped. api is left out: its text (OpenAPI descriptions, problem+json) stays Dutch by design (docs/i18n.md,
# "What stays Dutch"): the language is chosen by the cookie only and token clients send none.
ENFORCED_APPS = ALL_APPS - {"api"}

GETTEXT = {"gettext", "gettext_lazy", "_", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy", "N_", "gettext_noop", "npgettext"}
KEYWORDS = {
    "verbose_name",
    "verbose_name_plural",
    "label",
    "help_text",
    "empty_label",
    "title",
    "caption",
    "note",
    "toelichting",
    "subtitle",
    "description",
    "placeholder",
    "row_header",
    "value_header",
    "total_header",
    "heading",
    "legend",
    "unit_label",
    "notes",
    "tiles",
    "map_heading",
    "map_caption",
    "text",
    "pattern_label",
}
MESSAGE_FUNCS = {"success": 1, "info": 1, "warning": 1, "error": 1, "debug": 1, "add_message": 2}
# Builders whose positional arguments are shown: function name -> indexes of the text arguments.
POSITIONAL = {
    "FigureTable": (1, 2, 3, 6, 7),  # title, row header, columns, total header, note
    "FigureRow": (0,),  # a literal row label ("Gemeente", "Totaal")
    "from_controlled_table": (1, 2),
    "from_series": (1, 2, 5),
    "line_chart": (2,),
    "bar_chart": (1,),
    "choropleth_svg": (1, 2, 3),
    "survival_chart": (1,),
    "Paragraph": (0,),  # reportlab: the text of a PDF paragraph
    "_document": (2,),  # a factsheet PDF's subject
    "add_error": (1,),
    "ValidationError": (0,),
}
CONSTANT_NAME = re.compile(r"(?:_LABELS|CHOICES|_NOTE|_TITLES?|_HEADERS?|_TASKS|_TABLES)$")
# Constants shown whatever their name: (file, name) -> every string in them is UI text ("all") or
# only their display side ("labels").
SHOWN_CONSTANTS = {
    ("areas/figures.py", "DIMENSIONS"): "all",
    ("areas/views.py", "AREA_ONLY"): "all",
    ("areas/recidive.py", "SUBJECTS"): "labels",
    ("areas/recidive.py", "INDEXES"): "labels",
    ("site/overview.py", "SOURCE_COLUMNS"): "labels",
}
SKIP_PARTS = {"tests", "migrations", "synth", "bench"}
ALLOWED_WORDS = {"Zicht", "CSV", "XLSX", "PDF", "SVG", "PNG", "DOCX", "CBS", "PDOK", "KWB", "GGD", "API", "URL", "ID", "CC", "BY"}
LETTERS = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
PRAGMA = "# i18n: not UI"


@dataclass(frozen=True)
class Offender:
    path: str  # relative to src/zicht
    line: int
    text: str

    @property
    def app(self) -> str:
        return self.path.split("/", 1)[0]

    def __str__(self) -> str:
        return f"src/zicht/{self.path}:{self.line}: {self.text!r}"


def is_ui_text(value: str) -> bool:
    """Contains a word that is not a product or format name (so "%", "—", "CBS" pass)."""
    return any(w not in ALLOWED_WORDS for w in LETTERS.findall(value))


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def untranslated(node: ast.AST | None) -> list[ast.Constant]:
    """String constants of an expression that reach the user as they are (not inside a gettext call).

    Follows what builds the text (f-strings, +, %, conditionals, lists, tuples, dict values,
    ``"...".format``/``format_html``/``mark_safe``); not the arguments of other calls (an URL name,
    a lookup key) nor an f-string's format spec."""
    out: list[ast.Constant] = []
    if node is None:
        return out
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str) and is_ui_text(node.value):
            out.append(node)
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.Constant):
                out += untranslated(part)
            elif isinstance(part, ast.FormattedValue):
                out += untranslated(part.value)
    elif isinstance(node, ast.BinOp):
        out += untranslated(node.left) + untranslated(node.right)
    elif isinstance(node, ast.IfExp):
        out += untranslated(node.body) + untranslated(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for v in node.values:
            out += untranslated(v)
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for e in node.elts:
            out += untranslated(e)
    elif isinstance(node, ast.Dict):
        for v in node.values:
            out += untranslated(v)
    elif isinstance(node, ast.Call):
        name = _name(node.func)
        if name in GETTEXT:
            return out
        if name in ("format", "join") and isinstance(node.func, ast.Attribute):
            out += untranslated(node.func.value)
            for a in node.args:
                out += untranslated(a)
        elif name in ("format_html", "format_lazy", "mark_safe", "str", "capfirst"):
            for a in node.args:
                out += untranslated(a)
    return out


def _display_side(node: ast.AST) -> list[ast.Constant]:
    """The display side of a choices/labels constant: dict values, the second element of pairs, a string."""
    if isinstance(node, ast.Dict):
        return [c for v in node.values for c in _display_side(v)]
    if isinstance(node, (ast.List, ast.Tuple)):
        if len(node.elts) >= 2 and isinstance(node.elts[0], ast.Constant) and not isinstance(node.elts[1], (ast.List, ast.Tuple)):
            return untranslated(node.elts[1])  # (key, label, ...)
        return [c for e in node.elts for c in _display_side(e)]
    return untranslated(node)


def offenders_in(source: str, path: str = "<src>") -> list[Offender]:
    tree = ast.parse(source)
    lines = source.splitlines()
    found: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in GETTEXT:
                continue
            for kw in node.keywords:
                if kw.arg in KEYWORDS:
                    found += untranslated(kw.value)
                elif kw.arg == "choices":
                    found += _display_side(kw.value)
            if isinstance(node.func, ast.Attribute) and name in MESSAGE_FUNCS and _name(node.func.value) == "messages":
                i = MESSAGE_FUNCS[name]
                if len(node.args) > i:
                    found += untranslated(node.args[i])
            for i in POSITIONAL.get(name, ()):
                if len(node.args) > i:
                    found += untranslated(node.args[i])
            if name == "ValidationError":
                found += [c for kw in node.keywords if kw.arg == "message" for c in untranslated(kw.value)]
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value in KEYWORDS:
                    found += untranslated(v)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if node.value is None:
                continue
            if any(n in ("verbose_name", "verbose_name_plural") for n in names):  # class Meta
                found += untranslated(node.value)
            shown = {SHOWN_CONSTANTS.get((path, n)) for n in names}
            if "all" in shown:
                found += untranslated(node.value)
            elif "labels" in shown or any(CONSTANT_NAME.search(n) for n in names):
                found += _display_side(node.value)
    # the marker holds for the simple statement it is written on, whichever of its lines (a
    # formatter may move it from the literal's line to the statement's last)
    marked = [
        (st.lineno, st.end_lineno or st.lineno)
        for st in ast.walk(tree)
        if isinstance(st, ast.stmt) and not hasattr(st, "body") and any(PRAGMA in line for line in lines[st.lineno - 1 : st.end_lineno])
    ]
    out = set()
    for c in found:
        if PRAGMA in lines[c.lineno - 1] or any(a <= c.lineno <= b for a, b in marked):
            continue
        out.add(Offender(path, c.lineno, c.value))
    return sorted(out, key=lambda o: (o.path, o.line, o.text))


def python_files() -> list[Path]:
    out = []
    for p in sorted(SRC.rglob("*.py")):
        rel = p.relative_to(SRC).parts
        if SKIP_PARTS & set(rel) or ("management" in rel and "commands" in rel):
            continue
        if len(rel) == 1:  # settings.py, urls.py, cli.py, wsgi.py: configuration and console, not an app
            continue
        out.append(p)
    return out


def all_offenders() -> list[Offender]:
    out = []
    for p in python_files():
        out += offenders_in(p.read_text(encoding="utf-8"), str(p.relative_to(SRC)))
    return out


def test_the_check_finds_untranslated_text_in_every_ui_position():
    source = """
from django.utils.translation import gettext as _, gettext_lazy
name = models.CharField(verbose_name="Naam", help_text=gettext_lazy("Volledige naam")); verbose_name = "Namen"
field = forms.ChoiceField(label=_("Kies"), choices=[("a", "Eerste"), ("b", _("Tweede"))])
messages.success(request, f"Opgeslagen: {n} regels")
messages.error(request, _("Mislukt"))
raise ValidationError("Ongeldige datum")
fig = FigureTable("per1000", f"Meldingen, {period.label}", "Wijk", ["Meldingen", _("Inwoners")], rows)
svg = line_chart(x, [{"label": "Totaal", "cells": c}], _("Per maand"))
KIND_LABELS = {"ja": "Kinderen aanwezig", "nee": _("Geen kinderen")}
t = FigureTable("x", _("Titel"), "Wijk", [], rows, note="per-wijk")  # i18n: not UI
ok = Thing(title="CBS", label="%", note=reverse("areas:wijk"))
wrapped = models.CharField(
    help_text="A developer's note, split over lines by the formatter"
)  # i18n: not UI
"""
    found = [(o.line, o.text) for o in offenders_in(source)]
    assert found == [
        (3, "Naam"),
        (3, "Namen"),
        (4, "Eerste"),
        (5, " regels"),
        (5, "Opgeslagen: "),
        (7, "Ongeldige datum"),
        (8, "Meldingen"),
        (8, "Meldingen, "),
        (8, "Wijk"),
        (9, "Totaal"),
        (10, "Kinderen aanwezig"),
    ]


def test_enforced_apps_are_apps():
    assert ENFORCED_APPS <= ALL_APPS
    assert {"areas", "site", "casework", "prevention"} <= ALL_APPS


def test_user_visible_python_text_is_translated():
    offenders = all_offenders()
    waiting = [o for o in offenders if o.app not in ENFORCED_APPS]
    if waiting:  # shown with pytest -s: the apps still to be done
        print(f"\n{len(waiting)} untranslated Python texts in apps not yet enforced:")
        print("\n".join(map(str, waiting)))
    enforced = [o for o in offenders if o.app in ENFORCED_APPS]
    assert not enforced, f"{len(enforced)} user-visible Python texts outside gettext:\n" + "\n".join(map(str, enforced))
