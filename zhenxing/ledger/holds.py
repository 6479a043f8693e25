"""Open rectification items on a household, for the risk elimination check (core.modules ``holds``)."""

from __future__ import annotations

from .models import OPEN_ITEM_STATUSES, RectificationItem


def open_holds(household) -> list[str]:
    items = (
        RectificationItem.objects.filter(household=household, status__in=OPEN_ITEM_STATUSES)
        .select_related("type")
        .order_by("found_on", "id")
    )
    return [f"未销号的整改事项“{item.type.name}：{item.problem[:30]}”（{item.get_status_display()}）" for item in items]
