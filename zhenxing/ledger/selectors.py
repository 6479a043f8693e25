"""Reads of the ledger app: always through the data scope, set-based."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from zhenxing.accounts import scope
from zhenxing.regions.models import Region

from .models import (
    OPEN_TASK_STATUSES,
    Assignment,
    EscalationRule,
    ItemEvent,
    ItemStatus,
    RectificationItem,
    Task,
    TaskStatus,
)

SEGMENT = 13  # one region code plus "/" in Region.path


def tasks(user, ledger) -> QuerySet[Task]:
    return (
        scope.scoped(user, Task)
        .filter(ledger=ledger)
        .select_related("lead_unit")
        .prefetch_related("responsible_units")
        .order_by("-kind", "number")
    )


def assignments(
    user, *, ledger=None, region: Region | None = None, status: str = "", as_of: dt.date | None = None
) -> QuerySet[Assignment]:
    as_of = as_of or dt.date.today()
    qs = scope.scoped(user, Assignment).select_related(
        "task", "task__ledger", "task__lead_unit", "region", "owner_unit"
    )
    if ledger is not None:
        qs = qs.filter(task__ledger=ledger)
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if status == TaskStatus.OVERDUE:
        qs = qs.filter(status__in=OPEN_TASK_STATUSES, deadline__lt=as_of)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-task__kind", "task__number", "region__code")


def reports_missing(user, as_of: dt.date) -> QuerySet[Assignment]:
    """Open assignments in the user's scope whose last ended report period (by the task's rhythm)
    has no report, within the task's year (a period starting after the deadline is not asked for)."""
    return without_report(scope.scoped(user, Assignment), as_of)


def without_report(qs: QuerySet[Assignment], as_of: dt.date) -> QuerySet[Assignment]:
    from django.db.models import Exists

    from .dates import last_closed_period
    from .models import ProgressReport, Rhythm

    where = Q(pk__in=[])
    for rhythm in Rhythm.values:
        period = last_closed_period(as_of, rhythm)
        reported = ProgressReport.objects.filter(assignment=OuterRef("pk"), period=period)
        where |= Q(task__rhythm=rhythm, deadline__gte=period, task__ledger__year__lte=period.year) & ~Exists(reported)
    return qs.filter(status__in=OPEN_TASK_STATUSES).filter(where).select_related("task", "region")


def items(
    user,
    *,
    region: Region | None = None,
    type_code: str = "",
    status: str = "",
    overdue: bool = False,
    due_by: dt.date | None = None,
    as_of: dt.date | None = None,
) -> QuerySet[RectificationItem]:
    as_of = as_of or dt.date.today()
    qs = scope.scoped(user, RectificationItem).select_related("type", "region", "responsible_unit", "household")
    if region is not None:
        qs = qs.filter(region__path__startswith=region.path)
    if type_code:
        qs = qs.filter(type__code=type_code)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS], deadline__lt=as_of)
    if due_by is not None:
        qs = qs.filter(deadline__lte=due_by)
    return qs


def status_as_of(as_of: dt.date) -> Subquery:
    """The status an item had at the end of ``as_of`` (from its insert-only event log)."""
    return Subquery(
        ItemEvent.objects.filter(item=OuterRef("pk"), on__lte=as_of).order_by("-on", "-id").values("to_status")[:1]
    )


@dataclass
class ZeroRow:
    region: Region
    open: int
    overdue: int
    closed: int

    @property
    def at_zero(self) -> bool:
        return self.open == 0


def item_summary(qs: QuerySet[RectificationItem], node: Region, as_of: dt.date) -> tuple[list[ZeroRow], ZeroRow]:
    """Per child of ``node``: items open, overdue and closed as of a date, and whether at zero."""
    open_q = Q(st__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS, ItemStatus.AWAITING_VERIFICATION])
    overdue_q = Q(st__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS], deadline__lt=as_of)
    rows = (
        qs.filter(region__path__startswith=node.path, found_on__lte=as_of)
        .annotate(st=status_as_of(as_of), child=Substr("region__path", 1, len(node.path) + SEGMENT))
        .values("child")
        .annotate(
            n_open=Count("pk", filter=open_q),
            n_overdue=Count("pk", filter=overdue_q),
            n_closed=Count("pk", filter=Q(st=ItemStatus.CLOSED)),
        )
        .order_by()
    )
    by_path = {r["child"]: r for r in rows}
    out = []
    for child in Region.objects.filter(parent=node).order_by("code"):
        r = by_path.get(child.path)
        out.append(ZeroRow(child, r["n_open"], r["n_overdue"], r["n_closed"]) if r else ZeroRow(child, 0, 0, 0))
    own = by_path.get(node.path)  # items placed on the node itself (e.g. a county-wide finding)
    if own:
        out.append(ZeroRow(node, own["n_open"], own["n_overdue"], own["n_closed"]))
    total = ZeroRow(node, sum(r.open for r in out), sum(r.overdue for r in out), sum(r.closed for r in out))
    return out, total


def escalation_proposals(user, as_of: dt.date) -> list[tuple[RectificationItem, EscalationRule]]:
    """Open items for which the ladder proposes a next step now (earliest deadline first)."""
    from .services import escalation_next

    rules = list(EscalationRule.objects.order_by("order"))
    if not rules:
        return []
    candidates = (
        items(user)
        .exclude(status=ItemStatus.CLOSED)
        .filter(
            Q(status__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS], deadline__lt=as_of)
            | Q(failed_checks__gte=min(r.min_failed_checks or 32767 for r in rules))
        )
        .prefetch_related("decisions")
        .order_by("deadline", "pk")
    )
    out = []
    for item in candidates[:500]:
        decided = {d.rule_id for d in item.decisions.all()}
        rule = escalation_next(item, as_of, rules, decided)
        if rule is not None:
            out.append((item, rule))
    return out


def unit_record(unit):
    """What a unit's record page shows: tasks led / shared, items it answers for, decisions against it."""
    return {
        "led": unit.led_tasks.select_related("ledger").order_by("-ledger__year", "-kind", "number"),
        "shared": unit.tasks.select_related("ledger").order_by("-ledger__year", "-kind", "number"),
        "owned": unit.owned.select_related("task", "region").order_by("-task__ledger__year", "task__number"),
        "items": unit.items.select_related("type", "region").order_by("-found_on"),
        "decisions": unit.decisions.select_related("rule", "item", "item__type").order_by("-decided_on"),
        "inspections": unit.inspections.select_related("region").order_by("-started_on"),
    }


def overdue_assignments_count(qs: QuerySet[Assignment], as_of: dt.date) -> int:
    return qs.filter(status__in=OPEN_TASK_STATUSES, deadline__lt=as_of).count()
