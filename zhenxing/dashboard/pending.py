"""Home page: tell the prefecture admin when the nightly snapshot has stopped running."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhenxing.lib.modules import PendingItem

from .models import IndicatorSnapshot
from .services import REFRESH_ROLES


def pending(user) -> list[PendingItem]:
    if user.role not in REFRESH_ROLES:
        return []
    latest = IndicatorSnapshot.objects.aggregate(d=Max("date"))["d"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    if latest is not None and latest >= yesterday:
        return []
    if latest is None:
        return [
            PendingItem(
                category=_("提醒"),
                label=_("尚无指标快照：驾驶舱和报告没有数据，请运行 zhenxing snapshot-indicators 或在驾驶舱点“刷新”"),
                url=reverse("dashboard:home"),
            )
        ]
    days = (yesterday - latest).days
    return [
        PendingItem(
            category=_("提醒"),
            label=_("指标快照已停止更新（最近一次 %(date)s），请检查每晚的定时任务") % {"date": f"{latest:%Y-%m-%d}"},
            url=reverse("dashboard:home"),
            overdue_days=days,
        )
    ]
