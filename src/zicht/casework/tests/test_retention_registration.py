"""Issue 17: access keeps the retention engine; registry and casework register their own rules."""

from pathlib import Path

import pytest

from zicht.access import retention
from zicht.casework.retention import persons_held_by_signals

from . import factories as fx


def test_rules_are_registered_by_their_apps_in_order():
    names = [rule.name for rule in retention.registered_rules()]
    assert names.index("registry-meldingen") < names.index("registry-personen") < names.index("signalen")


def test_access_retention_names_no_higher_app():
    source = Path(retention.__file__).read_text("utf-8")
    code = source.split('"""', 2)[2]  # after the module docstring (which shows an example)
    assert "casework" not in code and 'get_model("registry"' not in code and "is_installed" not in code


@pytest.mark.django_db
def test_a_signals_person_is_held():
    from zicht.casework.models import Signal

    org = fx.organisation("school", "onderwijs")
    person = fx.person(org)
    Signal.objects.create(
        organisation=org, contact_naam="A", contact_telefoon="1", datum="2026-01-01", person=person, expires_on="2028-01-01"
    )
    assert person.pk in retention.held_person_ids() and persons_held_by_signals() == {person.pk}
