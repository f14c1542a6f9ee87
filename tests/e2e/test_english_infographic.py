"""Browser test (issue 18): a policy adviser switches the UI to English and downloads the
gemeente's infographic as SVG and PNG, named after the gemeente."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicht.access import roles
from zicht.core.testing import TEST_PASSWORD, make_user

from .conftest import login
from .test_areas import korvel_data  # noqa: F401 -- Tilburg's geography with reports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_beleid_switches_to_english_and_downloads_the_infographic(page, korvel_data):  # noqa: F811
    make_user(roles.BELEIDSMEDEWERKER, username="beleid", gemeente_id="GM0855")
    login(page, "beleid", TEST_PASSWORD)
    assert page.locator("html").get_attribute("lang") == "nl"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    nav = page.get_by_role("navigation", name="Main menu")
    nav.get_by_role("link", name="Area scan").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Area scan Tilburg"

    page.get_by_role("link", name="Infographic", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Infographic Tilburg"
    figure = page.locator("figure.infographic svg[role='img']")
    assert "Tilburg" in figure.locator("title").text_content()
    assert page.locator("table#ig-kern").is_visible()  # the same figures as a table

    with page.expect_download() as svg_download:
        page.get_by_role("link", name="Download SVG").click()
    svg = svg_download.value
    assert svg.suggested_filename == "infographic-tilburg-gm0855.svg"
    assert Path(svg.path()).read_text(encoding="utf-8").startswith("<svg")

    with page.expect_download() as png_download:
        page.get_by_role("link", name="Download PNG").click()
    png = png_download.value
    assert png.suggested_filename == "infographic-tilburg-gm0855.png"
    assert Path(png.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # back to Dutch with the same switch
    page.get_by_role("button", name="Nederlands").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "nl"
