"""The notice centre: in-app notices and the daily reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts.models import Role, User
from zhenxing.regions.models import Region

from ..dates import soon_until
from ..models import Assignment, ItemStatus, Notice, RectificationItem, TaskStatus


def notice_send(
    *,
    title: str,
    body: str = "",
    url: str = "",
    recipients=None,
    region: Region | None = None,
    roles: Iterable[str] | None = None,
    kind: str = "",
    key: str = "",
    exclude=None,
    above: bool = False,
) -> int:
    """Sends an in-app notice to ``recipients`` (users or a queryset), or to the active staff of
    ``region``'s subtree (optionally only ``roles``); with ``above``, also to the staff placed on
    the nodes above it (the township and county offices of a village). With ``key``, a recipient
    gets it once. Returns the number of notices created."""
    if recipients is None:
        if region is None:
            raise ValueError("notice_send needs recipients or region")
        where = Q(region__path__startswith=region.path)
        if above:
            where |= Q(region__code__in=[c for c in region.path.split("/") if c])
        qs = User.objects.filter(where, is_active=True)
        if roles:
            qs = qs.filter(role__in=list(roles))
        recipients = qs
    ids = {u.pk for u in recipients if u.is_active}
    if exclude is not None:
        ids.discard(exclude.pk)
    if key:
        ids -= set(Notice.objects.filter(recipient_id__in=ids, key=key).values_list("recipient_id", flat=True))
    Notice.objects.bulk_create(
        [Notice(recipient_id=i, kind=kind, title=title[:200], body=body, url=url, key=key) for i in sorted(ids)]
    )
    return len(ids)


def notice_mark_read(*, actor, notice: Notice | None = None) -> int:
    qs = Notice.objects.filter(recipient=actor, read_at__isnull=True)
    if notice is not None:
        qs = qs.filter(pk=notice.pk)
    return qs.update(read_at=timezone.now())


def reminders_send(*, as_of: dt.date | None = None) -> int:
    """Daily: notices for assignments and items due within 5 working days (``dates.soon_until``, the
    one calendar service) or overdue (each once per state),
    and for assignments whose last report period ended without a report (once per period).
    Whatever was already sent is skipped in one query."""
    as_of = as_of or timezone.localdate()
    soon = soon_until(as_of)

    def key(prefix: str, obj) -> str:
        return f"{prefix}{obj.pk}:{'overdue' if obj.deadline < as_of else 'soon'}:{obj.deadline:%Y%m%d}"

    def unsent(prefix: str, rows: list) -> list:
        keys = {key(prefix, r): r for r in rows}
        sent = set(Notice.objects.filter(key__in=list(keys)).values_list("key", flat=True).distinct())
        return [r for k, r in keys.items() if k not in sent]

    count = 0
    assignments = list(
        Assignment.objects.filter(
            status__in=[TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS], deadline__lte=soon
        ).select_related("task", "region")
    )
    for a in unsent("a", assignments):
        overdue = a.deadline < as_of
        count += notice_send(
            region=a.region,
            roles={Role.COUNTY_STAFF},
            title=f"{'已逾期' if overdue else '即将到期'}：{a.task.title}（{a.region.name}）",
            body=f"完成时限 {a.deadline:%Y年%m月%d日}",
            url=reverse("ledger:assignment", args=[a.pk]),
            kind="reminder",
            key=key("a", a),
        )
    from ..dates import last_closed_period
    from ..selectors import without_report

    missing = list(without_report(Assignment.objects.all(), as_of))
    keys = {f"r{a.pk}:{last_closed_period(as_of, a.task.rhythm):%Y%m}": a for a in missing}
    sent = set(Notice.objects.filter(key__in=list(keys)).values_list("key", flat=True).distinct())
    for k, a in keys.items():
        if k in sent:
            continue
        period = last_closed_period(as_of, a.task.rhythm)
        count += notice_send(
            region=a.region,
            roles={Role.COUNTY_STAFF},
            title=f"进度未报送：{a.task.title}（{period:%Y年%m月}起的报送期）",
            body=f"请报送{a.task.get_rhythm_display()}进度。",
            url=reverse("ledger:assignment", args=[a.pk]),
            kind="reminder",
            key=k,
        )
    items = list(
        RectificationItem.objects.filter(
            status__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS], deadline__lte=soon
        ).select_related("type", "region")
    )
    for i in unsent("i", items):
        overdue = i.deadline < as_of
        count += notice_send(
            region=i.region,
            roles={Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE},
            title=f"{'整改已逾期' if overdue else '整改即将到期'}：{i.type.name}",
            body=i.problem[:200],
            url=reverse("ledger:item", args=[i.pk]),
            kind="reminder",
            key=key("i", i),
            above=True,
        )
    return count
