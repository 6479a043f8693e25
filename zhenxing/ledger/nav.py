from __future__ import annotations

from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import PERSONAL, NavItem

from .models import Notice

ENTRIES = [
    ("ledger.tasks", "重点任务台账", "ledger:home", 300),
    ("ledger.items", "排查整改台账", "ledger:items", 310),
    ("ledger.inspections", "督导问责", "ledger:inspections", 320),
    ("ledger.assessments", "县级考核", "ledger:assessments", 330),
]


def items(user):
    out = [
        NavItem(label, reverse(url), order=order, group="台账")
        for page, label, url, order in ENTRIES
        if scope.in_menu(user, page)
    ]
    if scope.in_menu(user, "ledger.notices"):  # the user's own notices, in the top bar
        unread = Notice.objects.filter(recipient=user, read_at__isnull=True).count()
        out.append(NavItem(f"通知（{unread}）" if unread else "通知", reverse("ledger:notices"), 50, PERSONAL))
    return out
