"""Entry points for two-factor set-up used by other apps (the demo command)."""

from __future__ import annotations

from .totp import code_for_user, ensure_device


def ensure_totp_device(user):
    """A confirmed TOTP device for a demo or provisioning account (the user reads codes via ``zicht totp``)."""
    return ensure_device(user)


__all__ = ["code_for_user", "ensure_totp_device"]
