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

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

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


class ZichtOIDCBackend(OIDCAuthenticationBackend):
    def _username(self, claims: dict) -> str:
        return str(claims.get("preferred_username") or claims.get("sub") or "")[:150]

    def verify_claims(self, claims):
        if not self._username(claims):
            return False
        role = role_from_claims(claims, settings.ZICHT_OIDC_ROLE_CLAIM)
        if role is None:
            return False
        # A professional without a known organisation would see nothing anyway.
        return not (role == PROFESSIONAL and not self._organisation(claims))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self._username(claims))

    def create_user(self, claims):
        user = self.UserModel.objects.create_user(self._username(claims), email=claims.get("email", ""))
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    def _organisation(self, claims):
        # The organisation model through the profile's own foreign key: access imports no app above it.
        Organisation = UserProfile._meta.get_field("organisation").related_model
        code = claims.get(settings.ZICHT_OIDC_ORGANISATION_CLAIM)
        return Organisation.objects.filter(code=code).first() if isinstance(code, str) and code else None

    def update_user(self, user, claims):
        role = role_from_claims(claims, settings.ZICHT_OIDC_ROLE_CLAIM)
        region = claims.get(settings.ZICHT_OIDC_REGION_CLAIM)
        profile, _ = UserProfile.objects.get_or_create(user=user, defaults={"role": role})
        profile.role = role
        profile.organisation = self._organisation(claims)
        profile.vt_regio = region if isinstance(region, str) else ""
        profile.save()
        return user

    def get_or_create_user(self, access_token, id_token, payload):
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
