import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Ids repeat between rolled-back tests, so cached counts and choices must not outlive a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
