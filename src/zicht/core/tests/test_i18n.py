"""Issue 18: translating labels defined as plain Dutch strings (``zicht.core.i18n``), and every text
the Python code of casework, registry, linkage, access and core marks for translation is in the
English catalogue (a mark the extractor cannot read, e.g. a ``gettext`` call inside an f-string,
would leave the text Dutch on English pages without any other test noticing)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils import translation

import zicht
from zicht.casework.domain.colour import COLOUR_LABELS
from zicht.core.i18n import label, lazy_choices, translated
from zicht.registry import vocab
from zicht.site.tests.test_english import PO, po_entries

SRC = Path(zicht.__file__).resolve().parent
APPS = ("casework", "registry", "linkage", "access", "core")
MARKS = {"gettext", "gettext_lazy", "_", "N_", "gettext_noop", "pgettext", "pgettext_lazy"}


def test_lazy_choices_follow_the_active_language():
    choices = lazy_choices(vocab.GESLACHT)
    with translation.override("nl"):
        assert [str(text) for _, text in choices] == ["Man", "Vrouw", "Anders / onbekend"]
    with translation.override("en"):
        assert [str(text) for _, text in choices] == ["Male", "Female", "Other / unknown"]
    assert [code for code, _ in choices] == ["m", "v", "x"]  # the stored codes never change


def test_translated_and_label():
    with translation.override("en"):
        assert translated(COLOUR_LABELS) == {"groen": "Green", "geel": "Yellow", "oranje": "Orange", "rood": "Red"}
        assert label("Onbekend") == "Unknown" and label("") == ""
    with translation.override("nl"):
        assert translated(COLOUR_LABELS) == COLOUR_LABELS


def marked_texts() -> dict[str, str]:
    """Every string literal passed to a translation mark in the apps' Python code (tests left out)."""
    out = {}
    for app in APPS:
        for path in sorted((SRC / app).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                arg = node.args[0]
                if name in MARKS and isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                    out[arg.value] = f"{path.relative_to(SRC)}:{node.lineno}"
    return out


def test_every_marked_python_text_is_in_the_catalogue():
    texts = marked_texts()
    assert len(texts) > 300  # the apps' labels, choices and messages: the walk found them
    catalogue = {e["msgid"] for e in po_entries(PO) if "fuzzy" not in e["flags"] and (e.get("msgstr") or e.get("msgstr[0]"))}
    missing = {text: where for text, where in texts.items() if text not in catalogue}
    assert not missing, f"marked but not in {PO.name} (run zicht makemessages): {missing}"
