"""Optional single sign-on with OpenID Connect (mozilla-django-oidc), switched on by ZICHT_OIDC_* variables.

The identity provider (the gemeente's or the region's IdP) is authoritative for who someone is
and for their Zicht role: the role comes from a claim (``ZICHT_OIDC_ROLE_CLAIM``, default
``zicht_role``), the organisation from ``ZICHT_OIDC_ORGANISATION_CLAIM`` (an Organisation
code) and the Veilig Thuis region from ``ZICHT_OIDC_REGION_CLAIM``. A login without a known
role is refused. The profile is updated on every login, so withdrawing a role at the IdP takes
effect at the next login.

Second factor: roles with personal data still need Zicht's TOTP step, unless
``ZICHT_OIDC_TRUST_MFA=1`` and the ID token's ``amr`` claim says the IdP did multi-factor
authentication itself (``mfa``, ``otp``, ``hwk``, ``swk``, ``sc`` — RFC 8176).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from zicht.geo.regions import region_code

from .models import UserProfile
from .roles import ALL_ROLES, PROFESSIONAL

MFA_METHODS = frozenset({"mfa", "otp", "hwk", "swk", "sc"})


def role_from_claims(claims: dict, claim: str) -> str | None:
    """The Zicht role named by the claim (a string or the first known role in a list)."""
    value = claims.get(claim)
    values = value if isinstance(value, (list, tuple)) else [value]
    for item in values:
        if isinstance(item, str) and item.strip().lower() in ALL_ROLES:
            return item.strip().lower()
    return None


def idp_did_mfa(payload: dict) -> bool:
    amr = payload.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(MFA_METHODS.intersection(str(m).lower() for m in amr))


def oidc_identity(id_token: dict, userinfo: dict) -> tuple[str, str] | None:
    """(issuer, subject) of a sign-in, or None when it cannot be trusted.

    Both come from the verified ID token; the userinfo response must name the same subject
    (OpenID Connect Core 5.3.2). Names such as ``preferred_username`` or ``email`` are chosen by
    people or reused after someone leaves, so they never link an account.
    """
    issuer, subject = id_token.get("iss"), id_token.get("sub")
    if not (isinstance(issuer, str) and issuer and isinstance(subject, str) and subject):
        return None
    if userinfo.get("sub") != subject:
        return None
    return issuer[:255], subject[:255]


def username_for(issuer: str, subject: str) -> str:
    """A fixed, unique account name for an SSO identity (a display name is not an identifier)."""
    return "oidc-" + hashlib.sha256(f"{issuer}\x00{subject}".encode()).hexdigest()[:24]


class ZichtOIDCBackend(OIDCAuthenticationBackend):
    _id_token: dict = {}

    def _identity(self, claims: dict) -> tuple[str, str] | None:
        return oidc_identity(self._id_token, claims)

    def verify_claims(self, claims):
        if self._identity(claims) is None:
            return False
        role = role_from_claims(claims, settings.ZICHT_OIDC_ROLE_CLAIM)
        if role is None:
            return False
        # A professional without a known organisation would see nothing anyway.
        return not (role == PROFESSIONAL and not self._organisation(claims))

    def filter_users_by_claims(self, claims):
        identity = self._identity(claims)
        if identity is None:
            return self.UserModel.objects.none()
        issuer, subject = identity
        return self.UserModel.objects.filter(zicht_profile__oidc_issuer=issuer, zicht_profile__oidc_subject=subject)

    def create_user(self, claims):
        issuer, subject = self._identity(claims)
        user = self.UserModel.objects.create_user(username_for(issuer, subject), email=claims.get("email", ""))
        user.set_unusable_password()
        name = claims.get("name") or claims.get("preferred_username") or ""
        user.first_name = str(name)[:150]
        user.save(update_fields=["password", "first_name"])
        return self.update_user(user, claims)

    def _organisation(self, claims):
        # The organisation model through the profile's own foreign key: access imports no app above it.
        Organisation = UserProfile._meta.get_field("organisation").related_model
        code = claims.get(settings.ZICHT_OIDC_ORGANISATION_CLAIM)
        return Organisation.objects.filter(code=code).first() if isinstance(code, str) and code else None

    def _region(self, claim):
        # A region claim names a VtRegio by code or name; an unknown region gives no region scope.
        VtRegio = UserProfile._meta.get_field("regio").related_model
        if not isinstance(claim, str) or not claim.strip():
            return None
        return VtRegio.objects.filter(code=region_code(claim)).first() or VtRegio.objects.filter(naam__iexact=claim.strip()).first()

    def update_user(self, user, claims):
        role = role_from_claims(claims, settings.ZICHT_OIDC_ROLE_CLAIM)
        region = claims.get(settings.ZICHT_OIDC_REGION_CLAIM)
        profile, _ = UserProfile.objects.get_or_create(user=user, defaults={"role": role})
        profile.role = role
        profile.organisation = self._organisation(claims)
        profile.regio = self._region(region)
        profile.oidc_issuer, profile.oidc_subject = self._identity(claims)
        profile.save()
        return user

    def get_or_create_user(self, access_token, id_token, payload):
        self._id_token = payload or {}  # the verified ID token: issuer and subject
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            user._zicht_idp_mfa = idp_did_mfa(payload)
        return user


class ZichtOIDCCallbackView(OIDCAuthenticationCallbackView):
    def login_success(self):
        response = super().login_success()
        if settings.ZICHT_OIDC_TRUST_MFA and getattr(self.user, "_zicht_idp_mfa", False):
            self.request.session["zicht_mfa_by_idp"] = True
        return response
