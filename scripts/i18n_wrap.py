"""One-off helper (issue 18): wrap the plain text of Django templates in {% translate %} /
{% blocktranslate %} tags. Text between HTML tags and template tags is wrapped as a unit; text
with {{ variables }} becomes a blocktranslate with ``with`` names. Visible attributes (aria-label,
title, alt, placeholder) are wrapped too. Review the diff after running it.

    python scripts/i18n_wrap.py path/to/template.html ...
"""

from __future__ import annotations

import re
import sys

TOKEN = re.compile(
    r"(\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|<script\b.*?</script>|<style\b.*?</style>"
    r"|\{#.*?#\}|\{%.*?%\}|<!--.*?-->|<[^>]*>)",
    re.S,
)
VAR = re.compile(r"\{\{\s*(.*?)\s*\}\}")
WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")
ATTR = re.compile(r'\b(aria-label|title|alt|placeholder)="([^"{}]*[A-Za-z][^"{}]*)"')


def quote(text: str) -> str | None:
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return None


def wrap_text(text: str) -> str:
    core = text.strip()
    if not core or not WORD.search(VAR.sub("", core)):
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    if "\n" in core:  # keep multi-line text as one message, on one line
        core = " ".join(core.split())
    names = {}

    def name_for(match):
        expr = match.group(1)
        base = re.sub(r"[^a-z0-9_]", "_", expr.split("|")[0].split(".")[-1].lower()) or "v"
        if base[0].isdigit():
            base = "v" + base
        key = base
        i = 2
        while key in names and names[key] != expr:
            key = f"{base}{i}"
            i += 1
        names[key] = expr
        return "{{ " + key + " }}"

    body = VAR.sub(name_for, core)
    if names:
        withs = " ".join(f"{k}={v}" for k, v in names.items())
        return f"{lead}{{% blocktranslate with {withs} %}}{body}{{% endblocktranslate %}}{trail}"
    q = quote(body)
    if q is None:
        return text
    return f"{lead}{{% translate {q} %}}{trail}"


def wrap_attrs(tag: str) -> str:
    def repl(m):
        q = quote(m.group(2))
        if q is None:
            return m.group(0)
        inner = "'" + m.group(2) + "'" if '"' in q else q.replace('"', "'")
        if "'" in m.group(2):
            return m.group(0)
        return f'{m.group(1)}="{{% translate {inner} %}}"'

    return ATTR.sub(repl, tag)


def convert(source: str) -> str:
    out = []
    pos = 0
    for m in TOKEN.finditer(source):
        out.append(wrap_text(source[pos : m.start()]))
        token = m.group(0)
        if token.startswith("<") and not token.startswith(("<script", "<style", "<!--")):
            token = wrap_attrs(token)
        out.append(token)
        pos = m.end()
    out.append(wrap_text(source[pos:]))
    result = "".join(out)
    if "{% translate" in result or "{% blocktranslate" in result:
        if re.search(r"\{%\s*load\b[^%]*\bi18n\b", result) is None:
            ext = re.match(r"\s*\{%\s*extends[^%]*%\}", result)
            if ext:
                result = result[: ext.end()] + "{% load i18n %}" + result[ext.end() :]
            else:
                result = "{% load i18n %}" + result
    return result


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            src = f.read()
        new = convert(src)
        if new != src:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            print("wrapped", path)
