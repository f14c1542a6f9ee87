"""Template context shared by every page."""

from django.conf import settings
from django.utils.translation import gettext

from zicht.access import roles
from zicht.access.rules import user_role
from zicht.core.menu import menu_for


def zicht(request):
    role = user_role(getattr(request, "user", None))
    return {
        "ZICHT_DEMO": settings.DEMO,
        "DEMO_GEMEENTE": settings.DEMO_GEMEENTE,
        "zicht_role": role,
        "zicht_role_label": gettext(roles.label(role)) if role else "",
        "zicht_menu": menu_for(role, request.path) if role else [],
    }
