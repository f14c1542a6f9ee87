"""Fixtures for the API tests: the areas app's Tilburg geography with synthetic reports."""

from zicht.areas.tests.conftest import _fresh_caches, tilburg, tilburg_reports  # noqa: F401
