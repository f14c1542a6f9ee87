"""publiccode.yml at the repository root follows the Standard for Public Code (publiccode.yml core 0.4).

No validator runs offline here (the official one is a Go program that fetches the repository), so the
test checks what the 0.4 schema requires: the mandatory keys, the vocabularies, the lengths of the
descriptions, an SPDX licence that is the project's own (EUPL-1.2) and the maintenance contacts.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "publiccodeYmlVersion",
    "name",
    "url",
    "platforms",
    "categories",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
}
DEVELOPMENT_STATUS = {"concept", "development", "beta", "stable", "obsolete"}
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}
MAINTENANCE = {"internal", "contract", "community", "none"}
# The categories Zicht uses, all from the standard's categories list.
KNOWN_CATEGORIES = {"case-management", "data-analytics", "data-visualization", "knowledge-management"}


def load() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_required_keys_and_vocabularies():
    doc = load()
    assert set(doc) >= REQUIRED
    assert doc["publiccodeYmlVersion"] == "0.4"
    assert re.fullmatch(r"https://\S+", doc["url"])
    assert doc["developmentStatus"] in DEVELOPMENT_STATUS
    assert doc["softwareType"] in SOFTWARE_TYPES
    assert set(doc["categories"]) <= KNOWN_CATEGORIES and doc["categories"]
    assert "web" in doc["platforms"]
    date.fromisoformat(doc["releaseDate"])


def test_descriptions_within_the_standards_lengths():
    doc = load()
    assert "nl" in doc["description"]
    for lang, text in doc["description"].items():
        assert re.fullmatch(r"[a-z]{2}", lang)
        assert 0 < len(text["shortDescription"]) <= 150, lang
        assert 150 <= len(text["longDescription"]) <= 10000, lang
        assert text["features"] and all(len(f) <= 100 for f in text["features"]), lang


def test_licence_maintenance_and_languages():
    doc = load()
    assert doc["legal"]["license"] == "EUPL-1.2"
    assert "EUPL-1.2" in (ROOT / "README.md").read_text(encoding="utf-8")  # the licence the README states
    assert doc["maintenance"]["type"] in MAINTENANCE
    if doc["maintenance"]["type"] in ("internal", "community"):
        assert all(c.get("name") for c in doc["maintenance"]["contacts"])
    assert doc["localisation"]["localisationReady"] is True
    assert "nl" in doc["localisation"]["availableLanguages"]
    version = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{doc["softwareVersion"]}"' in version
