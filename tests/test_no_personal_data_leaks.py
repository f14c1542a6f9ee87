"""No personal data in logs, error pages or exception reports: provoke errors on records with known names.

The known values (a name no other test uses, a valid BSN, a date of birth) are loaded into the
registry and then: a view crashes with the person loaded and the values in the exception text;
a 404 and a 403 are provoked; an import with bad rows carrying those values is rejected. Every
response, the configured log handlers' output, the technical error report, the batch's stored
rejects and its pages must not contain any of them.
"""

from __future__ import annotations

import io
import logging
import shutil
import sys

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path

from zicht.access import roles
from zicht.access.rules import requires
from zicht.core.testing import make_user

NAME = "Xandrijn"
SURNAME = "Zwartekoffie"
BSN = "111222333"  # passes the 11-proef
DOB_ISO, DOB_NL = "1979-08-17", "17-08-1979"
SECRETS = [NAME, SURNAME, BSN, DOB_ISO, DOB_NL]


def _person():
    from zicht.core.crypto import bsn_hash
    from zicht.core.testing import make_organisation
    from zicht.registry.models import Person

    return Person.objects.create(
        source=make_organisation("politie-test", type="politie"),
        source_key="P1",
        voornamen=NAME,
        achternaam=SURNAME,
        geboortedatum=DOB_ISO,
        bsn_hash=bsn_hash(BSN),
    )


@requires(roles.KETENREGISSEUR, personal_data=True)
def crashing_view(request, pk):
    from zicht.registry.models import Person

    person = Person.objects.get(pk=pk)
    full = f"{person.voornamen} {person.achternaam} ({person.geboortedatum}, BSN {BSN})"
    logging.getLogger("zicht.test").error("Bezig met %s", full)
    raise ValueError(f"Kan {full} niet tonen")


urlpatterns = [path("crash/<int:pk>/", crashing_view), path("", include("zicht.urls"))]


class CapturedHandlers:
    """Redirect the handlers configured in settings.LOGGING (root and django loggers) into a buffer."""

    def __enter__(self):
        self.buffer = io.StringIO()
        self.handlers = {h for name in ("", "django", "django.request", "zicht") for h in logging.getLogger(name).handlers}
        self.handlers |= set(logging.getLogger().handlers)
        self.old = {h: h.setStream(self.buffer) for h in self.handlers if isinstance(h, logging.StreamHandler)}
        return self.buffer

    def __exit__(self, *exc):
        for handler, stream in self.old.items():
            handler.setStream(stream)


def assert_clean(text: str, where: str) -> None:
    for value in SECRETS:
        assert value not in text, f"{value!r} leaked into {where}"


def test_configured_handlers_carry_the_personal_data_filter():
    from django.conf import settings

    assert all("no_personal_data" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())
    # The live handlers from settings.LOGGING (pytest adds its own capture handlers beside them).
    handlers = [h for h in logging.getLogger().handlers + logging.getLogger("django").handlers if type(h).__module__ == "logging"]
    assert handlers
    for handler in handlers:
        assert any(type(f).__name__ == "PersonalDataFilter" for f in handler.filters), handler


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_crash_with_a_person_loaded_leaks_nothing():
    person = _person()
    client = Client(raise_request_exception=False)
    client.force_login(make_user(roles.KETENREGISSEUR))
    with CapturedHandlers() as logs:
        response = client.get(f"/crash/{person.pk}/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
    assert_clean(response.content.decode(), "the 500 page")
    output = logs.getvalue()
    assert "ValueError" in output and "crashing_view" in output, "the traceback frames stay for the developer"
    assert_clean(output, "the logs")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_technical_error_report_leaks_nothing_even_with_debug():
    from django.views.debug import technical_500_response

    person = _person()
    request = RequestFactory().post(f"/crash/{person.pk}/", {"achternaam": SURNAME, "bsn": BSN})
    request.user = make_user(roles.KETENREGISSEUR)
    try:
        crashing_view(request, pk=person.pk)
    except ValueError:
        exc_info = sys.exc_info()
    with override_settings(DEBUG=True):
        html = technical_500_response(request, *exc_info).content.decode()
        from django.views.debug import get_exception_reporter_class

        text = get_exception_reporter_class(request)(request, *exc_info).get_traceback_text()
    assert "crashing_view" in html
    assert_clean(html, "the technical 500 page")
    assert_clean(text, "the plain-text exception report")


@pytest.mark.django_db
def test_error_pages_reveal_nothing():
    person = _person()
    client = Client(raise_request_exception=False)
    client.force_login(make_user(roles.BELEIDSMEDEWERKER))
    with CapturedHandlers() as logs:
        not_found = client.get(f"/bestaat-niet/{SURNAME}/?bsn={BSN}")
        forbidden = client.get(f"/account/toegangslog/?gebruiker={SURNAME}")
    assert not_found.status_code == 404 and forbidden.status_code == 403
    for response in (not_found, forbidden):
        assert_clean(response.content.decode(), f"the {response.status_code} page")
    assert_clean(logs.getvalue(), "the logs")
    assert person.pk


@pytest.mark.django_db
def test_an_import_with_bad_rows_leaks_nothing(tmp_path):
    from zicht.registry.pipeline import import_file
    from zicht.registry.tests.conftest import FIXTURES

    source = (FIXTURES / "politie_incidenten.csv").read_text(encoding="utf-8-sig").splitlines()
    header, first = source[0], source[1].split(";")
    bad = list(first)
    columns = header.split(";")
    bad[columns.index("Registratienummer")] = "PL-BAD-1"
    bad[columns.index("Voornamen")] = NAME
    bad[columns.index("Achternaam")] = SURNAME
    bad[columns.index("BSN")] = "111222334"  # fails the 11-proef
    bad[columns.index("Geboortedatum")] = "31-02-1979"  # no such date
    bad[columns.index("Pleegdatum")] = "14-03-2999"  # in the future
    bad_line = ";".join(bad)
    target = tmp_path / "politie_incidenten.csv"
    target.write_text("\ufeff" + "\n".join([header, *source[1:], bad_line]) + "\n", encoding="utf-8")
    rejects_csv = tmp_path / "rejects.csv"
    with CapturedHandlers() as logs:
        batch = import_file(target, "politie-bvh", rejects_out=rejects_csv)
    assert batch.status == "rejected" and batch.rows_rejected >= 1
    assert_clean(str(batch.rejects) + batch.message, "the stored rejects")
    assert_clean(rejects_csv.read_text(encoding="utf-8-sig") if rejects_csv.exists() else "", "the rejects file")
    assert_clean(logs.getvalue(), "the logs")
    client = Client(raise_request_exception=False)
    client.force_login(make_user(roles.FUNCTIONEEL_BEHEERDER))
    for url in ("/registratie/imports/", f"/registratie/imports/{batch.pk}/", f"/registratie/imports/{batch.pk}/afwijzingen.csv"):
        response = client.get(url)
        if response.status_code == 404:
            continue
        assert response.status_code == 200, url
        assert_clean(response.content.decode("utf-8", "replace"), url)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_log_records_from_code_keep_ids_and_lose_values():
    from zicht.core.logging import PersonalDataFilter

    record = logging.LogRecord("zicht", logging.WARNING, __file__, 1, "Rij %s: %s %s ongeldig", (12, NAME, SURNAME), None)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "Rij 12: [tekst] [tekst] ongeldig"
    try:
        raise KeyError(f"{NAME} {BSN}")
    except KeyError:
        record = logging.LogRecord("zicht", logging.ERROR, __file__, 1, "mislukt", (), sys.exc_info())
    PersonalDataFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "KeyError" in formatted and "test_log_records_from_code" in formatted
    assert_clean(formatted, "a formatted exception record")


assert HttpResponse  # the module is also a URLconf; keep its imports explicit
