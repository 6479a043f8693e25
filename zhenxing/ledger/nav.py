from __future__ import annotations

from django.urls import reverse

from zhenxing.lib.modules import NavItem

from .models import Notice


def items(user):
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True).count()
    return [
        NavItem("重点任务台账", reverse("ledger:home"), order=300),
        NavItem("排查整改台账", reverse("ledger:items"), order=310),
        NavItem("督导问责", reverse("ledger:inspections"), order=320),
        NavItem("县级考核", reverse("ledger:assessments"), order=330),
        NavItem(f"通知（{unread}）" if unread else "通知", reverse("ledger:notices"), order=50),
    ]
