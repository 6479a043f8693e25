"""The one way to write a set of rows so that the audit log still sees every row.

The automatic capture (signals.py) sees ``save()`` and ``delete()``. ``QuerySet.delete()`` is seen
too: while a delete signal listens, Django deletes row by row and sends it for each. What it does
not see is ``QuerySet.update()`` and ``bulk_create()``: an app writes those through
``audited_update`` and ``audited_bulk_create``, which write one entry per row set-based
(``services.bulk_change_log``, COPY on PostgreSQL) with the acting user of the context, or
``actor``. The exceptions (derived totals, job progress, transitions logged as events, imports that
write their own set-based entries) are listed in docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models, transaction

from .services import bulk_change_log, snapshot

M = TypeVar("M", bound=models.Model)


def _label(model: type[models.Model], pk: Any) -> str:
    # Not str(row): that may read related rows once per row.
    return f"{model._meta.verbose_name} {pk}"


def audited_update(qs: models.QuerySet, *, actor=None, extra=None, **values) -> int:
    """``qs.update(**values)``, plus an "update" entry (changed fields, before and after) for every
    row it changed. The rows are read (locked on PostgreSQL) before and after the update, so
    ``F()`` expressions and a filter on the updated field itself (``filter(deadline=old)
    .update(deadline=new)``) are logged as they happened. Returns the number of rows matched."""
    model = qs.model
    exclude = getattr(model, "audit_exclude", set())
    fields = [model._meta.get_field(name) for name in values]
    logged = [f.attname for f in fields if f.name not in exclude and f.attname not in exclude]
    with transaction.atomic():
        before = {row.pop("pk"): row for row in qs.select_for_update().values("pk", *logged)}
        count = qs.update(**values)
        if not before or not logged:
            return count
        after = {row.pop("pk"): row for row in model._base_manager.filter(pk__in=list(before)).values("pk", *logged)}
        rows = []
        for pk, old in before.items():
            new = after.get(pk)
            if new is None:
                continue
            changed = [a for a in logged if old[a] != new[a]]
            if changed:
                rows.append(
                    (pk, _label(model, pk), "update", {a: old[a] for a in changed}, {a: new[a] for a in changed})
                )
        if rows:
            bulk_change_log(model=model, rows=rows, extra=extra, actor=actor)
    return count


def audited_bulk_create(
    model: type[M], objs: Iterable[M], *, actor=None, extra=None, batch_size: int | None = None
) -> list[M]:
    """``bulk_create`` plus a "create" entry for every new row (its values, as the capture logs them)."""
    with transaction.atomic():
        created = model._default_manager.bulk_create(list(objs), batch_size=batch_size)
        bulk_change_log(
            model=model,
            actor=actor,
            extra=extra,
            rows=[(o.pk, _label(model, o.pk), "create", None, snapshot(o)) for o in created],
        )
    return created
