from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from zhenxing.lib.modules import PendingItem

from . import selectors, workflow
from .models import AlertState


def pending(user) -> list[PendingItem]:
    qs = selectors.alerts_for(user, open_only=True)
    items = []
    for state, label in (
        (AlertState.NEW, "待下发预警"),
        (AlertState.ISSUED, "待核实预警"),
        (AlertState.VERIFYING, "核实中预警"),
    ):
        t = next((t for t in workflow.TRANSITIONS.values() if t.source == state), None)
        if t is None or user.role not in t.roles:
            continue
        n = qs.filter(state=state).count()
        if n:
            items.append(PendingItem("部门预警", label, f"{reverse('screening:alerts')}?state={state}", count=n))
    late = qs.filter(state__in=[AlertState.ISSUED, AlertState.VERIFYING], verify_due__lt=timezone.localdate()).count()
    if late and user.role in workflow.FIELD:
        items.append(
            PendingItem("逾期", "预警核实逾期", f"{reverse('screening:alerts')}?state={AlertState.ISSUED}", count=late)
        )
    return items
