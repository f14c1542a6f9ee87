"""Single sign-on with OpenID Connect against a local test provider (a tiny HTTP server on 127.0.0.1).

The provider serves the token, userinfo and JWKS endpoints; it signs ID tokens with its own RSA
key, checks the PKCE verifier and the client secret, and puts the role in a claim. No network
beyond loopback is used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client, override_settings
from jwt.algorithms import RSAAlgorithm

from zicht.access import roles
from zicht.core.testing import make_organisation

CLIENT_ID, CLIENT_SECRET = "zicht-test", "geheim-test"


class Provider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict] = {}  # code -> {claims, nonce, challenge}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    jwk.update({"kid": "test", "alg": "RS256", "use": "sig"})
                    return self._json(200, {"keys": [jwk]})
                if self.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    entry = next((e for e in provider.codes.values() if e.get("access_token") == token), None)
                    return self._json(200, entry["claims"]) if entry else self._json(401, {"error": "invalid_token"})
                return self._json(404, {})

            def do_POST(self):
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()}
                entry = provider.codes.get(form.get("code", ""))
                if self.path != "/token" or entry is None or form.get("client_secret") != CLIENT_SECRET:
                    return self._json(400, {"error": "invalid_grant"})
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if challenge != entry["challenge"]:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                now = int(time.time())
                id_token = jwt.encode(
                    {
                        "iss": provider.url,
                        "aud": CLIENT_ID,
                        "sub": entry["claims"]["sub"],
                        "iat": now,
                        "exp": now + 300,
                        "nonce": entry["nonce"],
                        "amr": entry["amr"],
                    },
                    provider.key,
                    algorithm="RS256",
                    headers={"kid": "test"},
                )
                entry["access_token"] = f"at-{form['code']}"
                return self._json(200, {"access_token": entry["access_token"], "id_token": id_token, "token_type": "Bearer"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def settings(self, **extra):
        return {
            "OIDC_ENABLED": True,
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "OIDC_RP_SIGN_ALGO": "RS256",
            "OIDC_RP_SCOPES": "openid profile",
            "OIDC_USE_PKCE": True,
            "OIDC_AUTHENTICATION_CALLBACK_URL": "access:oidc_callback",
            "AUTHENTICATION_BACKENDS": [
                "zicht.access.backends.LockoutBackend",
                "django.contrib.auth.backends.ModelBackend",
                "zicht.access.oidc.ZichtOIDCBackend",
            ],
            **extra,
        }


@pytest.fixture
def provider():
    with Provider() as p:
        yield p


def sign_in(client: Client, provider: Provider, claims: dict, amr=("pwd",)):
    """The browser's part: start at Zicht, 'log in' at the provider, come back with a code."""
    start = client.get("/account/oidc/authenticate/", {"next": "/"})
    assert start.status_code == 302 and start.url.startswith(f"{provider.url}/authorize")
    query = {k: v[0] for k, v in parse_qs(urlparse(start.url).query).items()}
    assert query["client_id"] == CLIENT_ID and query["code_challenge_method"] == "S256"
    code = f"code-{len(provider.codes)}"
    provider.codes[code] = {"claims": claims, "nonce": query["nonce"], "challenge": query["code_challenge"], "amr": list(amr)}
    return client.get("/account/oidc/callback/", {"code": code, "state": query["state"]})


@pytest.mark.django_db
def test_oidc_is_off_without_configuration():
    assert Client().get("/account/oidc/authenticate/").status_code == 404


@pytest.mark.django_db
def test_oidc_login_maps_role_and_organisation_and_still_asks_the_second_factor(provider):
    org = make_organisation("wijkteam-noord")
    with override_settings(**provider.settings()):
        client = Client()
        response = sign_in(
            client,
            provider,
            {"sub": "u-1", "preferred_username": "p.devries", "zicht_role": "professional", "zicht_organisation": "wijkteam-noord"},
        )
        assert response.status_code == 302 and response.url == "/"
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(zicht_profile__oidc_issuer=provider.url, zicht_profile__oidc_subject="u-1")
        assert user.zicht_profile.role == roles.PROFESSIONAL and user.zicht_profile.organisation == org
        assert not user.has_usable_password()
        # A professional sees personal data: Zicht's own TOTP step is still required.
        assert client.get("/").url.startswith("/account/2fa/")
        # The IdP is authoritative: a changed role applies at the next login.
        response = sign_in(Client(), provider, {"sub": "u-1", "preferred_username": "p.devries", "zicht_role": "beleidsmedewerker"})
        user.refresh_from_db()
        assert user.zicht_profile.role == roles.BELEIDSMEDEWERKER


@pytest.mark.django_db
def test_idp_mfa_counts_only_when_trusted(provider):
    make_organisation("wijkteam-noord")
    claims = {"sub": "u-2", "preferred_username": "k.jansen", "zicht_role": "ketenregisseur", "zicht_vt_regio": "Midden-Brabant"}
    with override_settings(**provider.settings(ZICHT_OIDC_TRUST_MFA=True)):
        client = Client()
        sign_in(client, provider, claims, amr=["pwd", "otp"])
        assert client.get("/").status_code == 200
        other = Client()
        sign_in(other, provider, claims, amr=["pwd"])
        assert other.get("/").status_code == 302
    with override_settings(**provider.settings(ZICHT_OIDC_TRUST_MFA=False)):
        client = Client()
        sign_in(client, provider, claims, amr=["mfa"])
        assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_login_without_a_known_role_is_refused(provider):
    with override_settings(**provider.settings()):
        client = Client()
        response = sign_in(client, provider, {"sub": "u-3", "preferred_username": "iemand", "zicht_role": "beheerder-van-alles"})
        assert response.status_code == 302 and response.url == "/"
        assert client.get("/").status_code == 302  # not logged in: sent to the login page
        from django.contrib.auth import get_user_model

        assert not get_user_model().objects.filter(zicht_profile__oidc_subject="u-3").exists()


@pytest.mark.django_db
def test_a_token_signed_by_another_key_is_refused(provider):
    with override_settings(**provider.settings()):
        genuine = provider.key
        provider.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwks_key = genuine

        # The JWKS still serves the genuine public key; the ID token is signed with the impostor's key.
        original = RSAAlgorithm.to_jwk
        RSAAlgorithm.to_jwk = staticmethod(lambda key, *a, **k: original(jwks_key.public_key()))
        try:
            client = Client(raise_request_exception=False)
            sign_in(client, provider, {"sub": "u-4", "preferred_username": "nep", "zicht_role": "ketenregisseur"})
            assert client.get("/").status_code == 302
        finally:
            RSAAlgorithm.to_jwk = original


@pytest.mark.django_db
def test_accounts_are_linked_by_issuer_and_subject_never_by_a_name(provider):
    """Issue 12 item 4: an IdP account named like an existing Zicht account must not take it over."""
    from django.contrib.auth import get_user_model

    from zicht.core.testing import make_user

    admin = make_user(roles.FUNCTIONEEL_BEHEERDER, username="f.beheer")
    with override_settings(**provider.settings()):
        client = Client()
        sign_in(client, provider, {"sub": "attacker", "preferred_username": "f.beheer", "zicht_role": "beleidsmedewerker"})
        assert client.session.get("_auth_user_id") not in (None, str(admin.pk))
        admin.refresh_from_db()
        assert admin.zicht_profile.role == roles.FUNCTIONEEL_BEHEERDER and admin.zicht_profile.oidc_subject == ""
        first = get_user_model().objects.get(zicht_profile__oidc_subject="attacker")
        # The same subject with another display name is the same account; another subject is not.
        sign_in(Client(), provider, {"sub": "attacker", "preferred_username": "nieuwe-naam", "zicht_role": "beleidsmedewerker"})
        other = Client()
        sign_in(other, provider, {"sub": "someone-else", "preferred_username": "nieuwe-naam", "zicht_role": "beleidsmedewerker"})
        assert get_user_model().objects.filter(zicht_profile__oidc_subject="attacker").get() == first
        assert other.session["_auth_user_id"] != str(first.pk)


def test_oidc_identity_needs_the_id_tokens_issuer_and_a_matching_subject():
    from zicht.access.oidc import oidc_identity

    assert oidc_identity({"iss": "https://idp", "sub": "1"}, {"sub": "1"}) == ("https://idp", "1")
    assert oidc_identity({"iss": "https://idp", "sub": "1"}, {"sub": "2"}) is None
    assert oidc_identity({"sub": "1"}, {"sub": "1"}) is None
    assert oidc_identity({"iss": "https://idp", "sub": ""}, {"sub": "", "preferred_username": "x"}) is None
