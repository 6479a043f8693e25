"""Home-page work: projects waiting for this user's step, open leakage findings."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import PendingItem

from . import workflow
from .models import OFF_LINE_STATUSES, FindingStatus, LeakageFinding, Project


def pending(user) -> list[PendingItem]:
    items = []
    # 退回 and 不予入库 are alternatives to a step, not work of their own: one line per waiting step.
    steps = [t for t in workflow.TRANSITIONS if user.role in t.roles and t.target not in OFF_LINE_STATUSES]
    sources = [t.source for t in steps]
    if sources:
        qs = scope.scoped(user, Project).filter(status__in=sources)
        for t in steps:
            n = qs.filter(status=t.source).count()
            if n:
                items.append(
                    PendingItem("项目库", f"待{t.label}的项目", f"{reverse('funds:projects')}?status={t.source}", n)
                )
    n = scope.scoped(user, LeakageFinding).filter(status=FindingStatus.OPEN, still_present=True).count()
    if n:
        items.append(PendingItem("跑冒滴漏", "待处理的资金疑点", reverse("funds:leakage"), n))
    return items
