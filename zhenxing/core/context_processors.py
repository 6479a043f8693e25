from __future__ import annotations

from zhenxing.lib.modules import nav_items


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": nav_items(user)}
