"""The favicon: an SVG and an ICO from the package's own static files, linked from every page."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image


def test_favicon_files_are_local_and_valid():
    svg = finders.find("zicht/favicon.svg")
    ico = finders.find("zicht/favicon.ico")
    assert svg and ico
    with open(svg, encoding="utf-8") as fh:
        assert fh.read().lstrip().startswith("<svg")
    with Image.open(ico) as image:
        assert image.format == "ICO" and {(16, 16), (32, 32)} <= set(image.info["sizes"])


@pytest.mark.django_db
def test_every_page_links_the_favicon_and_it_is_served():
    client = Client()
    page = client.get("/account/login/").content.decode()
    assert 'rel="icon" href="/static/zicht/favicon.svg" type="image/svg+xml"' in page
    assert 'href="/static/zicht/favicon.ico"' in page
    for name, kind in (("favicon.svg", "image/svg+xml"), ("favicon.ico", "image/")):
        response = client.get(f"/static/zicht/{name}")
        assert response.status_code == 200 and response["Content-Type"].startswith(kind), name
