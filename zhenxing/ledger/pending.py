"""The home page's ledger lines: tasks and items due within 5 working days (dates.soon_until) or
overdue, work waiting for
the user's acceptance or verification, unread notices."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts.models import Role
from zhenxing.lib.modules import PendingItem

from . import selectors
from .dates import SOON_LABEL, soon_until
from .models import OPEN_TASK_STATUSES, ItemStatus, Notice, TaskStatus
from .workflow import user_unit_id

LIST_AT_MOST = 8  # beyond this, one line with the count and a link to the filtered list


def pending(user, as_of: dt.date | None = None) -> list[PendingItem]:
    today = as_of or timezone.localdate()
    soon = soon_until(today)
    out: list[PendingItem] = []

    tasks = selectors.assignments(user).filter(status__in=OPEN_TASK_STATUSES, deadline__lte=soon)
    out += _lines(
        tasks,
        today,
        "重点任务",
        lambda a: f"{a.task.label}{a.task.title}（{a.region.name}）",
        lambda a: reverse("ledger:assignment", args=[a.pk]),
        f"{reverse('ledger:assignments')}?status=overdue",
    )

    if not user.is_read_only:
        missing = selectors.reports_missing(user, today).filter(region__path__startswith=user.region.path)
        n = missing.count()
        if n:
            out.append(
                PendingItem("进度未报", "上期进度报告未报送", f"{reverse('ledger:assignments')}?report=missing", n)
            )

    items = selectors.items(user).filter(status__in=[ItemStatus.PENDING, ItemStatus.IN_PROGRESS], deadline__lte=soon)
    out += _lines(
        items.order_by("deadline", "pk"),
        today,
        "整改事项",
        lambda i: f"{i.type.name}：{i.problem[:24]}（{i.region.name}）",
        lambda i: reverse("ledger:item", args=[i.pk]),
        f"{reverse('ledger:items')}?overdue=1",
    )

    if not user.is_read_only:
        awaiting = selectors.assignments(user).filter(status=TaskStatus.AWAITING_ACCEPTANCE)
        if user.role != Role.PREFECTURE_ADMIN:
            unit = user_unit_id(user)
            awaiting = awaiting.filter(task__lead_unit_id=unit) if unit else awaiting.none()
        n = awaiting.count()
        if n:
            out.append(
                PendingItem("待验收", "重点任务待验收销号", f"{reverse('ledger:assignments')}?status=awaiting", n)
            )
        verify = selectors.items(user).filter(status=ItemStatus.AWAITING_VERIFICATION)
        if user.role not in (Role.PREFECTURE_ADMIN, Role.DEPARTMENT_STAFF):
            verify = verify.filter(~Q(region=user.region))  # the level above verifies
        n = verify.count()
        if n:
            out.append(PendingItem("待核验", "整改事项待核验销号", f"{reverse('ledger:items')}?status=awaiting", n))

    # A report reads a region's pending work through an unsaved stand-in account: no personal notices.
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True).count() if user.pk else 0
    if unread:
        out.append(PendingItem("通知", "未读通知", f"{reverse('ledger:notices')}?unread=1", unread))
    return out


def _lines(qs, today, noun, label, url, list_url) -> list[PendingItem]:
    rows = list(qs.order_by("deadline", "pk")[: LIST_AT_MOST + 1])
    if len(rows) > LIST_AT_MOST:
        overdue = qs.filter(deadline__lt=today).count()
        total = qs.count()
        out = []
        if overdue:
            out.append(PendingItem("逾期", f"逾期{noun}", list_url, overdue))
        if total - overdue:
            out.append(PendingItem(SOON_LABEL, f"{SOON_LABEL}的{noun}", list_url.split("?")[0], total - overdue))
        return out
    out = []
    for obj in rows:
        late = (today - obj.deadline).days
        if late > 0:
            out.append(PendingItem("逾期", label(obj), url(obj), overdue_days=late, due=obj.deadline))
        else:
            out.append(PendingItem(SOON_LABEL, label(obj), url(obj), due=obj.deadline))
    return out
