from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhenxing.lib.modules import PendingItem

from . import selectors


def pending(user) -> list[PendingItem]:
    n = selectors.with_risks(selectors.assets(user), timezone.localdate()).count()
    return [PendingItem("资产管护", "存在风险的项目资产", f"{reverse('assets:inventory')}?risk=1", n)] if n else []
