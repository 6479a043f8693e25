from __future__ import annotations

from zhenxing.lib.modules import PERSONAL, nav_groups, nav_items


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": [], "nav_personal": []}
    items = nav_items(user)
    return {
        "nav_groups": nav_groups(user, items),
        "nav_personal": [item for item in items if item.group == PERSONAL],
    }
