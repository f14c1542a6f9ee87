"""Roles as data: one Django group per role with its permissions, kept in step with UserProfile.role.

``UserProfile.role`` is what the ``requires`` decorator reads; the groups make the same
rules visible (and auditable) in the admin. Saving a profile moves the user into exactly the
group of their role.
"""

from __future__ import annotations

from .roles import PERMISSIONS, ROLE_PERMISSIONS, ROLES, group_name


def ensure_groups(apps=None) -> dict:
    """Create or update the five role groups and their permissions (idempotent)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct, _ = ContentType.objects.get_or_create(app_label="access", model="userprofile")
    perms = {}
    for codename, name in PERMISSIONS.items():
        perm, _ = Permission.objects.get_or_create(content_type=ct, codename=codename, defaults={"name": name})
        perms[codename] = perm
    groups = {}
    for role, _label in ROLES:
        group, _ = Group.objects.get_or_create(name=group_name(role))
        group.permissions.set([perms[c] for c in sorted(ROLE_PERMISSIONS[role])])
        groups[role] = group
    return groups


def sync_user_groups(user, role: str) -> None:
    from django.contrib.auth.models import Group

    role_groups = {group_name(r) for r, _ in ROLES}
    wanted = Group.objects.filter(name=group_name(role)).first()
    if wanted is None:
        wanted = ensure_groups()[role]
    stale = user.groups.filter(name__in=role_groups - {wanted.name})
    if stale.exists():
        user.groups.remove(*stale)
    user.groups.add(wanted)
