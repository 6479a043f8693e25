from __future__ import annotations

from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import PERSONAL, NavItem


def items(user):
    # Everyone's own jobs (an administrator's: their region's), in the top bar.
    if not scope.in_menu(user, "jobs.list"):
        return []
    return [NavItem("后台任务", reverse("jobs:list"), order=900, group=PERSONAL)]
