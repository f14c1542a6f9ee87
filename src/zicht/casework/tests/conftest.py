from datetime import timedelta

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


@pytest.fixture
def red_address(db):
    """A red address: a report with a weapon, a victim (Sanne de Vries) and a child of six."""
    from django.utils import timezone

    from . import factories as fx

    politie = fx.organisation("politie", "politie", naam="Politie Midden-Brabant")
    addr = fx.address()
    today = timezone.localdate()
    victim = fx.person(politie, voornamen="Sanne", achternaam="de Vries", address_=addr)
    child = fx.person(politie, voornamen="Tim", achternaam="de Vries", geboortedatum=f"{today.year - 6}-02-02", address_=addr)
    fx.report(
        politie, addr, today - timedelta(days=20), parties=[(victim, "slachtoffer"), (child, "kind")], vormen=["lichamelijk"], wapen=True
    )
    return addr
