"""Every save and delete of a project model writes an audit entry with before/after values.

Bulk writes (imports) switch this off with ``context.bulk_logged()`` and log set-based
through ``services.bulk_change_log`` instead.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from . import services
from .context import suspended


def _audited(sender) -> bool:
    meta = getattr(sender, "_meta", None)
    if meta is None or getattr(sender, "audit_skip", False):
        return False
    return meta.app_config is not None and meta.app_config.name.startswith("zhenxing.")


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or suspended() or not _audited(sender):
        return
    before = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        before = services.snapshot(old) if old is not None else None
    instance._zx_audit_before = before


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw or suspended() or not _audited(sender):
        return
    before = getattr(instance, "_zx_audit_before", None)
    services.change_log(
        instance=instance,
        action="create" if created else "update",
        before=None if created else before,
        after=services.snapshot(instance),
    )


def _post_delete(sender, instance, **kwargs):
    if suspended() or not _audited(sender):
        return
    services.change_log(instance=instance, action="delete", before=services.snapshot(instance), after=None)


def connect() -> None:
    for model in apps.get_models():
        if _audited(model):
            pre_save.connect(_pre_save, sender=model, dispatch_uid=f"zx_audit_pre_{model._meta.label}")
            post_save.connect(_post_save, sender=model, dispatch_uid=f"zx_audit_post_{model._meta.label}")
            post_delete.connect(_post_delete, sender=model, dispatch_uid=f"zx_audit_del_{model._meta.label}")
