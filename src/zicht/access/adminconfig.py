"""django.contrib.admin with Zicht's admin site (in its own module: apps.py keeps one AppConfig)."""

from django.contrib.admin.apps import AdminConfig


class ZichtAdminConfig(AdminConfig):
    """The admin at /beheer/, as ZichtAdminSite: only the functioneel beheerder (or a superuser) gets in."""

    default_site = "zicht.access.adminsite.ZichtAdminSite"
