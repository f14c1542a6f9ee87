"""Fuzzing the ways data get into Zicht: partner files, forms and HTTP (pages and API).

Inputs are generated with hypothesis; a finding is any unexpected exception (a crash) or an
HTTP 5xx answer. Three targets:

- ``importer``: random partner files (random cells under a real profile header, hostile strings
  such as formula injections, wrong delimiters, binary garbage) through
  ``zicht.registry.pipeline.import_file`` for each shipped profile;
- ``forms``: every Django form class of the Zicht apps, bound to random data, validated;
- ``http``: random query strings and form posts to every URL, as every role.

``zicht fuzz --inputs N`` runs them in a throw-away test database (never the user's data);
``src/zicht/site/tests/test_fuzz_sample.py`` runs a few hundred inputs in the test suite.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zicht.access import roles
from zicht.core.testing import make_organisation, make_region, make_user
from zicht.registry.domain.profile import find_profile
from zicht.registry.pipeline import import_file

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\x00",
    "\ufeff",
    "'; DROP TABLE registry_person; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%s%s%s%n",
    "9" * 400,
    "31-02-2024",
    "2024-13-45",
    "0000 AA",
    "123456789",
    "😀",
    "\u202e",
    "NaN",
    "-1",
    "1e309",
    " ",
    "",
]
text = st.one_of(st.text(max_size=60), st.sampled_from(HOSTILE), st.from_regex(r"\d{1,10}", fullmatch=True))
FUZZ_SETTINGS = dict(database=None, deadline=None, suppress_health_check=list(HealthCheck), print_blob=False)


@dataclass
class Outcome:
    target: str
    inputs: int = 0
    findings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "target": self.target,
            "inputs": self.inputs,
            "findings": self.findings[:20],
            "finding_count": len(self.findings),
            "seconds": round(self.seconds, 2),
            "inputs_per_second": round(self.inputs / self.seconds, 1) if self.seconds else None,
            "skipped": self.skipped,
        }


def _run(outcome: Outcome, n: int, strategy, check, derandomize: bool, label: str = "") -> None:
    """Feed ``n`` generated inputs to ``check``; record the first failure per distinct cause."""
    if n <= 0:
        return
    start = time.perf_counter()

    @settings(max_examples=n, derandomize=derandomize, **FUZZ_SETTINGS)
    @given(strategy)
    def run(value):
        outcome.inputs += 1
        check(value)

    try:
        run()
    except Exception as exc:  # a crash: hypothesis has shrunk it to a minimal input
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        where = next((f for f in reversed(traceback.extract_tb(exc.__traceback__)) if "/zicht/" in f.filename), tb)
        outcome.findings.append(f"{label + ': ' if label else ''}{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}")
    outcome.seconds += time.perf_counter() - start


# --- forms -------------------------------------------------------------------------------------


def discover_forms() -> list[type]:

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("zicht."):
            continue
        for module_name in ("forms", "views"):
            if importlib.util.find_spec(f"{config.name}.{module_name}") is None:
                continue  # this app has no such module
            module = importlib.import_module(f"{config.name}.{module_name}")
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__ and obj not in found:
                    found.append(obj)
    return found


_STANDARD_ARGS = {
    "self",
    "args",
    "kwargs",
    "data",
    "files",
    "auto_id",
    "prefix",
    "initial",
    "error_class",
    "label_suffix",
    "empty_permitted",
    "field_order",
    "use_required_attribute",
    "renderer",
    "instance",
}


def _instantiate(form_class, data):
    """The form bound to ``data``, or None when it needs arguments of its view (the HTTP target covers it)."""
    extra = [p for p in inspect.signature(form_class.__init__).parameters if p not in _STANDARD_ARGS]
    if extra:
        return None
    try:
        return form_class(data=data)
    except TypeError:
        return None


def fuzz_forms(n: int, derandomize: bool = False) -> Outcome:
    outcome = Outcome("forms")
    classes = []
    for form_class in discover_forms():
        if _instantiate(form_class, {}) is None:
            outcome.skipped.append(f"{form_class.__module__}.{form_class.__name__} (needs constructor arguments)")
        else:
            classes.append(form_class)
    if not classes:
        return outcome
    per_form = max(1, n // len(classes))
    for form_class in classes:
        try:
            names = list(form_class.base_fields)
        except Exception:  # pragma: no cover - exotic form
            names = []
        data = st.fixed_dictionaries({}, optional={name: text for name in names})

        def check(values, form_class=form_class):
            form = form_class(data=values)
            form.is_valid()
            str(form.errors)

        _run(outcome, per_form, data, check, derandomize, f"{form_class.__module__}.{form_class.__name__}")
    return outcome


# --- HTTP --------------------------------------------------------------------------------------


def fuzz_http(n: int, derandomize: bool = False) -> Outcome:
    """Random GET parameters and POST bodies to every URL, as every role (and anonymous)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    routes = []
    for route in walk(get_resolver().url_patterns):
        if route.startswith(("beheer/", "account/logout", "account/oidc")) or route.startswith("^"):
            continue
        routes.append(route)
    org = make_organisation("fuzz-org")

    clients = {"anonymous": Client(raise_request_exception=False)}
    for role in sorted(roles.ALL_ROLES):
        user = get_user_model().objects.filter(username=f"fuzz-{role}").first() or make_user(
            role, username=f"fuzz-{role}", organisation=org if role == roles.PROFESSIONAL else None, regio=make_region("Midden-Brabant")
        )
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    outcome = Outcome("http")

    def fill(route: str, seg: str) -> str:
        return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: seg if (m.group(1) or "str") != "int" else str(abs(hash(seg)) % 50), route)

    strategy = st.tuples(
        st.sampled_from(routes),
        st.sampled_from(sorted(clients)),
        st.sampled_from(["get", "post"]),
        st.dictionaries(st.text(min_size=1, max_size=12), text, max_size=6),
        st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True),
    )

    def check(value):
        route, role, method, params, seg = value
        url = fill(route, seg)
        client = clients[role]
        response = client.get(url, params) if method == "get" else client.post(url, params)
        if response.status_code >= 500:
            raise AssertionError(f"{response.status_code} on {method.upper()} /{route} as {role}")

    _run(outcome, n, strategy, check, derandomize)
    return outcome


# --- importer ----------------------------------------------------------------------------------


def fuzz_importer(n: int, derandomize: bool = False) -> Outcome:
    outcome = Outcome("importer")
    profiles = {}
    for name in ("politie-bvh", "veilig-thuis", "wijkteam-signalen"):
        try:
            profiles[name] = find_profile(name)
        except Exception as exc:  # pragma: no cover
            outcome.skipped.append(f"{name}: {type(exc).__name__}")
    if not profiles:
        return outcome
    headers = {name: _profile_header(p) for name, p in profiles.items()}
    workdir = Path(tempfile.mkdtemp(prefix="zicht-fuzz-"))
    cell = st.one_of(
        text, st.sampled_from(["J", "N", "ja", "nee", "14-03-2024", "2024-03-14", "5025 AB", "12", "Slachtoffer", "Verdachte"])
    )

    strategy = st.tuples(
        st.sampled_from(sorted(profiles)),
        st.sampled_from([";", ",", "\t", profiles[next(iter(profiles))].delimiter]),
        st.lists(st.lists(cell, min_size=0, max_size=30), min_size=0, max_size=6),
        st.booleans(),
        st.binary(max_size=200),
        st.booleans(),
    )
    counter = [0]

    def check(value):
        name, delimiter, rows, use_header, garbage, as_garbage = value
        counter[0] += 1
        suffix = ".xlsx" if "wijkteam" in name and as_garbage else ".csv"
        path = workdir / f"f{counter[0]}{suffix}"
        if as_garbage:
            path.write_bytes(garbage)
        else:
            lines = ([delimiter.join(headers[name])] if use_header else []) + [
                delimiter.join(c.replace("\n", " ") for c in row) for row in rows
            ]
            path.write_text("\n".join(lines), encoding="utf-8", errors="replace")
        try:
            import_file(path, profiles[name], accept_partial=bool(counter[0] % 2))
        finally:
            path.unlink(missing_ok=True)

    _run(outcome, n, strategy, check, derandomize)
    return outcome


def _profile_header(profile) -> list[str]:
    """The source columns a profile expects: its record id column and its mapped columns."""
    columns = [profile.record_id, *profile.columns.values()]
    return list(dict.fromkeys(c for c in columns if isinstance(c, str) and c))


def run_all(inputs: int, derandomize: bool = False, share: dict | None = None, max_rounds: int = 6) -> dict:
    """Split ``inputs`` over the targets (default 70 % forms, 20 % http, 10 % importer).

    Small forms exhaust their input space early (hypothesis stops); further rounds draw fresh
    inputs until the requested number is reached.
    """
    share = share or {"forms": 0.7, "http": 0.2, "importer": 0.1}
    start = time.perf_counter()
    totals: dict[str, Outcome] = {}
    for _round in range(max_rounds):
        done = sum(o.inputs for o in totals.values())
        remaining = inputs - done
        if remaining <= 0 or (derandomize and _round):
            break
        for name, func in (("forms", fuzz_forms), ("http", fuzz_http), ("importer", fuzz_importer)):
            want = int(remaining * share[name])
            if want <= 0:
                continue
            result = func(want, derandomize)
            total = totals.setdefault(name, Outcome(name))
            total.inputs += result.inputs
            total.seconds += result.seconds
            total.findings += result.findings
            total.skipped = sorted(set(total.skipped) | set(result.skipped))
    outcomes = list(totals.values())
    return {
        "inputs": sum(o.inputs for o in outcomes),
        "findings": sum(len(o.findings) for o in outcomes),
        "seconds": round(time.perf_counter() - start, 1),
        "targets": [o.as_dict() for o in outcomes],
    }
