"""Issue 18 item 7: every page of every role meets WCAG 2.1 A/AA, checked with axe-core.

The page list is not kept by hand: it is the URL configuration, walked like the authorization
matrix does (``tests/test_authorization_matrix.py``), so a page added by any app is checked as soon
as its route exists. For each role the walker signs in through the real login pages (which are
checked too), then opens every GET route that role may open, with the matrix's fixture world so
each ``<int:…>`` points at a real record, plus real geography (Tilburg), reports and the
prevention demo so maps, matrices and tables have content. It skips what is not a page: routes
that answer 405 to a GET (POST-only), and answers that are not HTML (CSV, XLSX, PDF, DOCX, SVG,
JSON). On each page it injects ``node_modules/axe-core/axe.min.js`` (``npm ci``) and runs the
rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa; any violation fails the test with the page,
the rule id and the selectors.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import Resolver404, resolve

from tests.test_authorization_matrix import OWN, ROUTES, build_path, build_world, declared, text_args
from zicht.access import roles as access_roles
from zicht.core.testing import TEST_PASSWORD, make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_VERSION = "?"
if AXE_JS.parent.joinpath("package.json").exists():
    AXE_VERSION = json.loads(AXE_JS.parent.joinpath("package.json").read_text(encoding="utf-8"))["version"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Not pages of Zicht's UI: the admin (Django's own, staff only) and the JSON API (checked against
# the NL API Design Rules instead).
SKIP_PREFIXES = ("/beheer/", "/api/")
PAGE_TYPES = ("text/html",)

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      targets: v.nodes.map(n => n.target.join(" "))}));
}"""


class Route(NamedTuple):
    path: str  # ids filled from the fixture world; text arguments with the matrix's samples
    name: str
    callback: object
    text_args: bool  # has <str:>/<slug:> arguments: a real value is taken from a link on a checked page


def pages_for(role: str, world) -> list[Route]:
    """Every GET route the role may open: routes without text arguments first (list pages, whose
    links give real slugs and codes), then the routes with them."""
    out = []
    for route, name, callback in ROUTES:
        if declared(callback, "zicht_public", False) or role not in (declared(callback, "zicht_roles") or ()):
            continue
        path = build_path(route, OWN, name, world)
        if path is None or path.startswith(SKIP_PREFIXES):
            continue
        out.append(Route(path, name or route, callback, bool(text_args(route))))
    return sorted(out, key=lambda route: route.text_args)


def view_name(path: str) -> str | None:
    """The URL name a same-site link resolves to (None for anything else)."""
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def is_page(status: int, content_type: str) -> bool:
    """Whether an answer is an HTML page to check (not a POST-only view's 405, not a download)."""
    return status != 405 and content_type.split(";")[0].strip().lower() in PAGE_TYPES


def test_is_page_skips_downloads_and_post_only_views():
    assert is_page(200, "text/html; charset=utf-8")
    assert is_page(404, "text/html")
    assert not is_page(405, "text/html; charset=utf-8")
    for download in (
        "text/csv",
        "application/pdf",
        "image/svg+xml",
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ):
        assert not is_page(200, download), download


@pytest.fixture
def world(transactional_db):
    from django.core.cache import cache

    from zicht.areas import data
    from zicht.areas.tests.helpers import make_reports
    from zicht.geo.loaders import load_geo
    from zicht.geo.models import Buurt
    from zicht.knowledge.services import load_pages
    from zicht.prevention.demo import load_demo
    from zicht.prevention.models import PlanVersion
    from zicht.prevention.services import load_package_catalogue, plan_snapshot

    data.clear_cache()
    cache.clear()
    world = build_world()  # organisations A (GM0855) and B (GM0796), one record of every model each
    load_geo(gemeente="GM0855")  # real Tilburg boundaries and figures on top (upserts, keeps A's region)
    buurten = list(Buurt.objects.filter(wijk_id__in=["WK085517", "WK085516"]).values_list("code", flat=True))
    make_reports(buurten, 300, seed=5)
    load_package_catalogue()
    load_demo()
    load_pages()  # the knowledge pages (Markdown in the repository)
    plan = world[OWN].get("prevention.preventionplan")
    if plan is not None:  # a real saved version of plan OWN, numbered OWN (the route's <int:nummer>)
        PlanVersion.objects.create(plan=plan, nummer=OWN, snapshot=plan_snapshot(plan), opmerking="Toegankelijkheidstest")
    yield world
    data.clear_cache()


def _axe(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def _state_purposes(page) -> None:
    """Purpose binding: a reason for every record type in the browser's session, as the matrix does,
    so the walker reaches the pages behind the purpose question (that question is checked once)."""
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = importlib.import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    purposes = {}
    for _route, _name, callback in ROUTES:
        record_type = declared(callback, "zicht_purpose")
        if record_type:
            purposes[f"{record_type}:{OWN}"] = "Toegankelijkheidstest"
    store["zicht_purposes"] = purposes
    store.save()


def _username(role: str, world) -> str:
    if role in (access_roles.PROFESSIONAL, access_roles.KETENREGISSEUR):
        return world[OWN][role].username
    return make_user(role, username=f"{role}-axe", gemeente=world[OWN]["geo.gemeente"]).username


@pytest.fixture
def axe_page(browser, live_server):
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make install)")
    # bypass_csp: Zicht's CSP refuses inline scripts, and that is how axe is injected.
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", bypass_csp=True)
    context.set_default_timeout(60000)  # a cold protected set (issue 12) may take seconds
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("role", sorted(access_roles.ALL_ROLES))
def test_every_page_of_the_role_meets_wcag21_aa(axe_page, world, role):
    page = axe_page
    problems: dict[str, list[str]] = {}

    def check(label: str) -> None:
        for v in _axe(page):
            problems.setdefault(label, []).append(f"{v['id']} ({v['impact']}: {v['help']}): {', '.join(v['targets'][:8])}")

    # The pages on the way in: login and (for roles with personal data) the second factor.
    username = _username(role, world)
    page.goto("/account/login/")
    check("/account/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("networkidle")
    if "/account/2fa/" in page.url:
        check("/account/2fa/")
        user = get_user_model().objects.get(username=username)
        page.get_by_label("Zescijferige code").fill(totp_code(user))
        page.get_by_role("button", name="Controleren").click()
        page.wait_for_load_state("networkidle")
    assert "/account/" not in page.url, f"{role} could not sign in ({page.url})"
    # The purpose question (doelbinding) a personal-data page asks first, and the not-found page.
    bound = [route.path for route in pages_for(role, world) if declared(route.callback, "zicht_purpose")]
    if bound:
        page.goto(bound[0])
        assert "/account/reden/" in page.url, f"{bound[0]} did not ask for a purpose"
        check(f"/account/reden/ (doelbinding voor {bound[0]})")
    page.goto("/deze-pagina-bestaat-niet/")
    check("/deze-pagina-bestaat-niet/ (404)")
    _state_purposes(page)

    links: dict[str, str] = {}  # URL name -> the first link to it seen on a checked page
    checked = skipped = 0
    refused: list[str] = []  # pages checked in their 403/404 form (no real record for the sample id)
    for route in pages_for(role, world):
        path = links.get(route.name, route.path) if route.text_args else route.path
        name = route.name
        answer = page.request.get(path, max_redirects=5)
        if answer.status == 404 and links.get(name, path) != path:  # the world's id is not this view's record
            path = links[name]
            answer = page.request.get(path, max_redirects=5)
        if answer.status >= 500:
            problems.setdefault(f"{path} ({name})", []).append(f"server error {answer.status}")
            continue
        if not is_page(answer.status, answer.headers.get("content-type", "")):
            skipped += 1
            continue
        page.goto(path)
        page.wait_for_load_state("load")
        check(f"{path} ({name})")
        checked += 1
        if answer.status >= 400:
            refused.append(f"{path} {answer.status}")
        for href in page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))"):
            found = view_name(href)
            if found:
                links.setdefault(found, urlsplit(href).path)

    print(
        f"{role}: {checked} pages checked with axe-core {AXE_VERSION}, {skipped} routes skipped (POST-only or downloads); "
        f"shown as an error page: {', '.join(refused) or 'none'}"
    )
    assert checked, f"{role}: no page checked"
    report = "\n".join(f"{where}\n  - " + "\n  - ".join(found) for where, found in problems.items())
    assert not problems, f"{role}: WCAG 2.1 A/AA violations on {len(problems)} of {checked} pages:\n{report}"
