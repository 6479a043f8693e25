"""The collective's work waiting on the home page: members posted long enough to confirm, contracts
in arrears, contracts ending within 90 days."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from zhenxing.lib.modules import PendingItem

from . import selectors, services


def pending(user) -> list[PendingItem]:
    today = timezone.localdate()
    url = reverse("collective:index")
    contracts = selectors.contracts(user)
    out = []
    ripe = (
        selectors.members(user)
        .filter(state="posted", posted_on__lte=today - dt.timedelta(days=services.posting_days()))
        .count()
    )
    if ripe:
        out.append(PendingItem("集体经济", "公示期满待确认的成员", url, ripe))
    late = selectors.contracts_in_arrears(contracts, today).count()
    if late:
        out.append(PendingItem("逾期", "欠缴承包（租赁）费的合同", url, late))
    ending = selectors.contracts_ending(contracts, today).count()
    if ending:
        out.append(PendingItem("集体经济", "90天内到期的合同", url, ending))
    return out
