"""Who may open the gebiedscan, and that it shows areas only — never individuals."""

from __future__ import annotations

import pytest

from zicht.access import roles
from zicht.core.testing import make_user
from zicht.registry.models import Address

URLS = [
    "/gebied/",
    "/gebied/wijk/WK085517/",
    "/gebied/kaart/",
    "/gebied/factsheet/WK085517/",
    "/gebied/factsheet/WK085517.pdf",
    "/gebied/export/WK085517.xlsx",
    "/gebied/export/GM0855.csv",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, allowed",
    [
        (roles.BELEIDSMEDEWERKER, True),
        (roles.KETENREGISSEUR, True),
        (roles.PROFESSIONAL, False),
        (roles.FUNCTIONEEL_BEHEERDER, False),
        (roles.PRIVACY_OFFICER, False),
    ],
)
def test_roles(client, tilburg, role, allowed):
    client.force_login(make_user(role))
    for url in URLS:
        status = client.get(url).status_code
        assert (status == 200) if allowed else (status == 403), (role, url, status)


@pytest.mark.django_db
def test_anonymous_goes_to_login(client, tilburg):
    response = client.get("/gebied/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


@pytest.mark.django_db
def test_beleidsmedewerker_sees_nothing_individual(client, tilburg_reports):
    Address.objects.update(straat="Geheimstraat", woonplaats="Tilburg")
    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    for url in URLS[:4]:
        html = client.get(url).content.decode()
        assert "Geheimstraat" not in html
        assert "/casus/" not in html and "/registratie/" not in html and "/koppeling/" not in html
        assert "nooit personen" in html  # the page says so


def test_views_are_aggregate_only():
    from zicht.areas import urls

    for pattern in urls.urlpatterns:
        view = pattern.callback
        assert view.zicht_personal_data is False
        if pattern.name == "regions_manage":  # the region table (reference data, no figures)
            assert view.zicht_roles == frozenset({roles.FUNCTIONEEL_BEHEERDER})
            continue
        assert view.zicht_roles == frozenset({roles.BELEIDSMEDEWERKER, roles.KETENREGISSEUR})
