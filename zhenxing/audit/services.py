"""Writing the audit log. Record changes are captured automatically (signals.py); events
(logins, exports, ID reveals, imports, workflow transitions) are logged here explicitly."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from .context import current_actor, current_request
from .models import AuditEntry


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (bytes, memoryview)):
        return "<二进制数据>"
    if isinstance(value, FieldFile):  # checked before anything that touches .url (empty files raise)
        return value.name or ""
    return str(value)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """Field values as JSON, less the fields a model keeps out of the log (hashes, ciphertexts)."""
    exclude = getattr(instance, "audit_exclude", set())
    masked = getattr(instance, "audit_masked", {})  # field -> callable giving a safe rendering
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.attname in exclude or f.name in exclude:
            continue
        value = f.value_from_object(instance)
        if f.name in masked:
            value = masked[f.name](instance)
        data[f.attname] = _jsonable(value)
    return data


def _request_meta(request) -> tuple[str | None, Any]:
    if request is None:
        return None, None
    return request.META.get("REMOTE_ADDR"), getattr(request, "user", None)


def _entry(
    *,
    action: str,
    actor=None,
    request=None,
    model: str = "",
    object_id: Any = "",
    object_repr: str = "",
    before=None,
    after=None,
    extra=None,
) -> AuditEntry:
    request = request if request is not None else current_request()
    ip, request_user = _request_meta(request)
    if actor is None:
        actor = current_actor()
    if actor is None and getattr(request_user, "is_authenticated", False):
        actor = request_user
    region = getattr(actor, "region", None) if actor is not None else None
    return AuditEntry(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_username=getattr(actor, "username", "") or "",
        actor_region_path=getattr(region, "path", "") or "",
        ip=ip,
        model=model,
        object_id=str(object_id or "")[:64],
        object_repr=str(object_repr or "")[:200],
        before=_jsonable(before),
        after=_jsonable(after),
        extra=_jsonable(extra),
    )


def event_log(
    *, action: str, actor=None, request=None, obj: models.Model | None = None, extra=None, using: str | None = None
) -> AuditEntry:
    """``using``: another database than the default (a restore writes its entry into the restored one)."""
    kwargs = {}
    if obj is not None:
        kwargs = {"model": obj._meta.label_lower, "object_id": obj.pk, "object_repr": str(obj)}
    entry = _entry(action=action, actor=actor, request=request, extra=extra, **kwargs)
    entry.save(using=using)
    return entry


def change_log(
    *, instance: models.Model, action: str, before: dict | None, after: dict | None, extra=None
) -> AuditEntry | None:
    if action == "update" and before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        if not changed:
            return None
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    entry = _entry(
        action=action,
        model=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance),
        before=before,
        after=after,
        extra=extra,
    )
    entry.save()
    return entry


def bulk_change_log(
    *, model: type[models.Model], rows: Iterable[tuple[Any, str, str, dict | None, dict | None]], extra=None, actor=None
) -> int:
    """Set-based audit for bulk writes: rows of (object_id, repr, action, before, after).

    Written with COPY on PostgreSQL, so an import can log every record it creates or changes."""
    from zhenxing.lib.bulk import insert_rows

    label = model._meta.label_lower
    template = _entry(action="", actor=actor, model=label, extra=extra)
    now = timezone.now()
    common = {
        "at": now,
        "actor_id": template.actor_id,
        "actor_username": template.actor_username,
        "actor_region_path": template.actor_region_path,
        "ip": template.ip,
        "model": label,
        "extra": template.extra,
    }
    entries = [
        {
            **common,
            "action": action,
            "object_id": str(oid)[:64],
            "object_repr": str(rep)[:200],
            "before": _jsonable(b),
            "after": _jsonable(a),
        }
        for oid, rep, action, b, a in rows
    ]
    insert_rows(AuditEntry, entries)
    return len(entries)
