import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Ids repeat between rolled-back tests, so cached counts and choices must not outlive a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def ruleset():
    """The shipped colour rule set as it stands on ``facts.TODAY``."""
    from zicht.casework.rulesets import current_ruleset

    from .facts import TODAY

    return current_ruleset(TODAY)
