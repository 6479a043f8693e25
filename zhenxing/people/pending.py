"""Work waiting on the home page: points to confirm, post or credit; list cases in progress;
warnings (workshop shares, cadre days, public-welfare posts held by formerly-poor people)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.lib.modules import PendingItem

from . import models as m
from . import selectors

LABELS = {
    m.EntryState.PROPOSED: "积分申报待村委会确认",
    m.EntryState.CONFIRMED: "积分待张榜公示",
    m.EntryState.POSTED: "积分公示中（期满后入账）",
}


def pending(user) -> list[PendingItem]:
    if user.role not in {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}:
        return []
    today = timezone.localdate()
    items: list[PendingItem] = []
    if user.role == Role.VILLAGE_CADRE:
        counts = (
            scope.scoped(user, m.PointEntry)
            .filter(state__in=list(LABELS))
            .order_by()
            .values("state")
            .annotate(n=Count("id"))
        )
        for r in counts:
            items.append(PendingItem("积分制", LABELS[r["state"]], reverse("people:points"), r["n"]))
        open_cases = scope.scoped(user, m.PowerCase).filter(state=m.CaseState.OPEN).count()
        if open_cases:
            items.append(PendingItem("小微权力清单", "办理中的小微权力事项", reverse("people:powers"), open_cases))
    below = sum(s.below for s in selectors.workshop_shares(scope.scoped(user, m.Workshop), today))
    if below:
        items.append(PendingItem("预警", "帮扶车间脱贫劳动力占比低于县定要求", reverse("people:workshops"), below))
    short = sum(c.below for c in selectors.cadre_days(scope.scoped(user, m.Cadre), today.year, today))
    if short and user.role != Role.VILLAGE_CADRE:
        items.append(PendingItem("预警", "驻村干部在村天数不足", f"{reverse('people:cadre_days')}?below=1", short))
    falling = sum(s.falling for s in selectors.post_holders(scope.scoped(user, m.PostHolding), today).values())
    if falling:
        items.append(PendingItem("预警", "公益岗位脱贫人口在岗人数同比下降的村", reverse("people:posts"), falling))
    return items
