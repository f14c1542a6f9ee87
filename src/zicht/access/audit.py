"""Changes of who may do what are logged in the access log with before and after.

A role, organisation, region or gemeente of a profile; the staff, superuser and active flags
of an account; group memberships and the permissions of a group. Whoever makes the change
(the admin, ``zicht`` commands, a migration) the signal handlers below write one access-log
entry (action ``create``/``change``/``delete``, record type ``user_role``, ``account`` or
``group``) whose reason reads ``veld: voor → na``. The actor is the admin user when the change
is made through ``/beheer/`` (``current_request``, set by ``ZichtAdminSite``), else the system.

``describe_changes`` is the pure part (table-tested).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

current_request: ContextVar = ContextVar("zicht_admin_request", default=None)
_quiet: ContextVar = ContextVar("zicht_audit_quiet", default=False)

PROFILE_FIELDS = ("role", "organisation_id", "regio_id", "gemeente_id")
ACCOUNT_FIELDS = ("is_active", "is_staff", "is_superuser")
EMPTY = "—"


def _show(value) -> str:
    if value is None or value == "":
        return EMPTY
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    return str(value)


def describe_changes(before: dict | None, after: dict | None, fields) -> str:
    """``veld: voor → na; ...`` for the fields that differ ('' when nothing changed)."""
    parts = []
    for name in fields:
        old = (before or {}).get(name)
        new = (after or {}).get(name)
        if before is not None and after is not None and old == new:
            continue
        if before is None and new in (None, "", False):
            continue
        parts.append(f"{name.removesuffix('_id')}: {_show(old)} → {_show(new)}")
    return "; ".join(parts)


@contextmanager
def quiet():
    """Group changes that follow from a role change (``sync_user_groups``) are part of that entry."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _log(action: str, record_type: str, record_id, reason: str) -> None:
    from .rules import log_access

    request = current_request.get()
    log_access(
        request,
        action=action,
        record_type=record_type,
        record_id=record_id,
        reason=reason[:300],
        records=[(record_type, record_id)],
        query="" if request is None else None,
    )


def _values(instance, fields) -> dict:
    return {name: getattr(instance, name) for name in fields}


def _before(model, instance, fields) -> dict | None:
    if instance.pk is None:
        return None
    row = model._default_manager.filter(pk=instance.pk).values(*fields).first()
    return row


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from .models import UserProfile

    User = get_user_model()

    def untouched(fields, update_fields) -> bool:
        return update_fields is not None and not ({f.removesuffix("_id") for f in fields} | set(fields)) & set(update_fields)

    def profile_pre(sender, instance, raw=False, update_fields=None, **kwargs):
        instance._zicht_skip = raw or untouched(PROFILE_FIELDS, update_fields)
        instance._zicht_before = None if instance._zicht_skip else _before(UserProfile, instance, PROFILE_FIELDS)

    def profile_post(sender, instance, created, raw=False, **kwargs):
        if raw or getattr(instance, "_zicht_skip", False):
            return
        before = getattr(instance, "_zicht_before", None)
        text = describe_changes(before, _values(instance, PROFILE_FIELDS), PROFILE_FIELDS)
        if text:
            _log(
                "create" if before is None else "change",
                "user_role",
                instance.user_id,
                f"Rol {'toegekend' if before is None else 'gewijzigd'}: {text}",
            )

    def profile_deleted(sender, instance, **kwargs):
        _log("delete", "user_role", instance.user_id, f"Rol ingetrokken: role: {instance.role} → {EMPTY}")

    def account_pre(sender, instance, raw=False, update_fields=None, **kwargs):
        # A login saves only last_login: no extra query then.
        instance._zicht_skip = raw or untouched(ACCOUNT_FIELDS, update_fields)
        instance._zicht_before = None if instance._zicht_skip else _before(User, instance, ACCOUNT_FIELDS)

    def account_post(sender, instance, created, raw=False, **kwargs):
        if raw or getattr(instance, "_zicht_skip", False):
            return
        before = getattr(instance, "_zicht_before", None)
        text = describe_changes(before, _values(instance, ACCOUNT_FIELDS), ACCOUNT_FIELDS)
        if text:
            _log("create" if before is None else "change", "account", instance.pk, f"Account: {text}")

    def memberships(sender, instance, action, reverse, pk_set, **kwargs):
        if _quiet.get() or action not in ("post_add", "post_remove", "pre_clear"):
            return
        if reverse:  # group.user_set.add(...): one entry per account
            for user_id in pk_set or ():
                _log("change", "account", user_id, f"Groep {'toegevoegd' if action == 'post_add' else 'verwijderd'}: {instance.name}")
            return
        if action == "pre_clear":
            names = sorted(instance.groups.values_list("name", flat=True))
            if names:
                _log("change", "account", instance.pk, f"Groepen verwijderd: {', '.join(names)}")
            return
        names = sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
        if names:
            _log("change", "account", instance.pk, f"Groep {'toegevoegd' if action == 'post_add' else 'verwijderd'}: {', '.join(names)}")

    def group_permissions(sender, instance, action, reverse, pk_set, **kwargs):
        if _quiet.get() or reverse or action not in ("post_add", "post_remove", "pre_clear"):
            return
        from django.contrib.auth.models import Permission

        if action == "pre_clear":
            codenames = sorted(instance.permissions.values_list("codename", flat=True))
        else:
            codenames = sorted(Permission.objects.filter(pk__in=pk_set or ()).values_list("codename", flat=True))
        if codenames:
            verb = "toegevoegd" if action == "post_add" else "verwijderd"
            _log("change", "group", instance.pk, f"Groep {instance.name}: rechten {verb}: {', '.join(codenames)}")

    pre_save.connect(profile_pre, sender=UserProfile, dispatch_uid="zicht.audit.profile.pre", weak=False)
    post_save.connect(profile_post, sender=UserProfile, dispatch_uid="zicht.audit.profile.post", weak=False)
    post_delete.connect(profile_deleted, sender=UserProfile, dispatch_uid="zicht.audit.profile.delete", weak=False)
    pre_save.connect(account_pre, sender=User, dispatch_uid="zicht.audit.account.pre", weak=False)
    post_save.connect(account_post, sender=User, dispatch_uid="zicht.audit.account.post", weak=False)
    m2m_changed.connect(memberships, sender=User.groups.through, dispatch_uid="zicht.audit.groups", weak=False)
    m2m_changed.connect(group_permissions, sender=Group.permissions.through, dispatch_uid="zicht.audit.permissions", weak=False)
