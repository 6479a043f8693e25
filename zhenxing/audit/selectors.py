from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role

from .models import AuditEntry

AUDIT_READERS = {Role.PREFECTURE_ADMIN, Role.INSPECTOR, Role.SYSTEM_ADMIN}


def audit_search(*, user, username: str = "", model: str = "", object_id: str = "", action: str = "",
                 since: dt.date | None = None, until: dt.date | None = None) -> QuerySet[AuditEntry]:
    qs = scope.scoped(user, AuditEntry)
    if username:
        qs = qs.filter(actor_username__iexact=username)
    if model:
        qs = qs.filter(model=model)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs


def record_history(*, user, model: str, object_ids: list[str]) -> QuerySet[AuditEntry]:
    """A record's timeline. The caller has already fetched the record through the scope."""
    return AuditEntry.objects.filter(model=model, object_id__in=[str(i) for i in object_ids]).order_by("at", "id")
