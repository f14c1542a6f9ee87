import pytest

from zicht.geo.models import Gemeente, Kerncijfer, Wijk

# Korvel vs Tilburg. Income figures as KWB 2017 gives Tilburg (9.7% laag inkomen); the wijk values are test values.
FIGURES = {
    "WK085517": {"pct_hh_laag_inkomen": 13.0, "pct_hhd_met_kind": 36.0, "pct_eenpersoonshhd": 38.0, "pct_65plus": 14.0},
    "GM0855": {"pct_hh_laag_inkomen": 9.7, "pct_hhd_met_kind": 30.0, "pct_eenpersoonshhd": 40.0, "pct_65plus": 16.0},
}


@pytest.fixture
def korvel(db):
    gemeente = Gemeente.objects.create(code="GM0855", naam="Tilburg", indeling_jaar=2024)
    wijk = Wijk.objects.create(code="WK085517", naam="Korvel", gemeente=gemeente, indeling_jaar=2024)
    Wijk.objects.create(code="WK085539", naam="Wandelbos Noord", gemeente=gemeente, indeling_jaar=2024)
    for area, values in FIGURES.items():
        for key, value in values.items():
            Kerncijfer.objects.create(area_code=area, jaar=2022, indicator=key, value=value, unit="%", bron="test")
    return wijk


@pytest.fixture(autouse=True)
def catalogue_loaded(request):
    """The data migration loads the catalogue, but a transactional test elsewhere may have flushed it."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from zicht.prevention.services import load_package_catalogue

        request.getfixturevalue("db")
        load_package_catalogue()
