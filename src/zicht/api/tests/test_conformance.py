"""The contract against the NL API Design Rules (Spectral) and the running API against its contract (schemathesis).

Spectral: ``@stoplight/spectral-cli`` from the repository's package.json (``npm ci``), with the ruleset
of developer.overheid.nl from the shared standards folder beside the checkout (``../shared/standards``);
any error fails the test.
Schemathesis: property-based requests from the OpenAPI document against the WSGI app, a bounded number
of examples per operation, as a role that may call the operation; every response must be in the
contract (status, content type, body schema, API-Version header) and never a server error.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as dj_settings
from django.test import Client
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from zicht.access import roles
from zicht.casework.tests import factories as fx
from zicht.core.testing import make_user

REPO = Path(__file__).resolve().parents[4]
RULESET = dj_settings.SHARED_DATA_DIR.parent / "standards" / "nlgov-api-design-rules.spectral.yaml"
SPECTRAL = REPO / "node_modules" / ".bin" / "spectral"


def openapi_document() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


# --- Spectral: the NL API Design Rules ruleset ------------------------------------------------------------


def spectral_errors(document: dict, tmp_path: Path) -> list[dict]:
    if not SPECTRAL.exists():
        if shutil.which("npm") is None:
            pytest.fail("Spectral ontbreekt en npm is er niet: installeer Node.js en draai `npm ci` in de repository.")
        pytest.fail("Spectral ontbreekt: draai `npm ci` in de repository (make install doet dat).")
    target = tmp_path / "openapi.json"
    target.write_text(json.dumps(document), encoding="utf-8")
    run = subprocess.run(
        [str(SPECTRAL), "lint", "--ruleset", str(RULESET), "--format", "json", "--quiet", str(target)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
    )
    try:
        results = json.loads(run.stdout or "[]")
    except json.JSONDecodeError:  # spectral itself failed (bad ruleset, crash): show why
        pytest.fail(f"Spectral gaf geen JSON (code {run.returncode}): {run.stderr[-2000:]}")
    return [x for x in results if x.get("severity") == 0]  # 0 = error


@pytest.mark.slow
def test_openapi_document_passes_the_nl_api_design_rules(tmp_path):
    errors = spectral_errors(openapi_document(), tmp_path)
    assert not errors, "\n".join(f"{e['code']}: {e['message']} at {'.'.join(map(str, e['path']))}" for e in errors)


@pytest.mark.slow
def test_spectral_test_catches_a_violation(tmp_path):
    """The check is real: the contract without its servers and contact fails on exactly those rules."""
    document = openapi_document()
    del document["servers"], document["info"]["contact"]
    codes = {e["code"] for e in spectral_errors(document, tmp_path)}
    assert {"oas3-api-servers", "info-contact"} <= codes


# --- schemathesis: the running API against its contract ---------------------------------------------------


@pytest.fixture
def api_world(tilburg):
    """One token per kind of caller; the operation's path decides whose token a request carries."""
    org = fx.organisation("schemathesis-org", "wijkteam", naam="Wijkteam Schemathesis")
    professional = make_user(roles.PROFESSIONAL, username="st-prof", organisation=org)
    ketenregisseur = make_user(roles.KETENREGISSEUR, username="st-keten")
    beleid = make_user(roles.BELEIDSMEDEWERKER, username="st-beleid")
    token = {user: f"Token {Token.objects.create(user=user).key}" for user in (professional, ketenregisseur, beleid)}
    return {
        "signalen": token[professional],
        "gebieden": token[ketenregisseur],
        "regios": token[ketenregisseur],
        "catalogus": token[beleid],
        "plannen": token[beleid],
    }


def _schema():
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _failures_of(operation, token: str, checks: list) -> list[str]:
    """Run one operation's bounded examples; the failure summaries (empty when it conforms)."""
    from hypothesis import given
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    # Reading: what the schema allows must be accepted. Writing signals: the casework rules
    # (dates, BSN elfproef, legal basis) refuse more than a JSON schema can say, with a 400 problem.
    extra = [positive_data_acceptance] if operation.method.upper() == "GET" else []
    failures: list[str] = []

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=["explicit", "generate"],
    )
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers={"Authorization": token})
        try:
            case.validate_response(response, checks=checks + extra)
        except Exception as exc:  # schemathesis' FailureGroup: keep its summary, stop this operation
            summary = " | ".join(str(exc).splitlines()[:8])
            failures.append(f"{operation.method.upper()} {operation.path}: {summary}")
            raise

    with contextlib.suppress(Exception):  # recorded in failures
        run()
    return failures


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: a request through the WSGI app (the schema fetch, every example)
    must not close the test's database connection (request_started/finished -> close_old_connections),
    or the next request finds it closed on PostgreSQL."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_schemathesis_every_operation(api_world, keep_test_connection):
    """Bounded property-based run over every operation (25 examples each, deterministic, no shrinking)."""
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        response_headers_conformance,
    ]
    operations = [op.ok() for op in _schema().get_all_operations()]
    assert len(operations) >= 9
    failures = []
    for operation in operations:
        prefix = operation.path.strip("/").split("/")[0]
        failures += _failures_of(operation, api_world[prefix], checks)
    assert not failures, "\n".join(failures)
