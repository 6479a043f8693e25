from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEntry


def record_history(*, user, model: str, object_ids: list[str]) -> QuerySet[AuditEntry]:
    """A record's timeline. The caller has already fetched the record through the scope."""
    return AuditEntry.objects.filter(model=model, object_id__in=[str(i) for i in object_ids]).order_by("at", "id")
