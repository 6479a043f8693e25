from django.urls import reverse

from zhenxing.lib.modules import NavItem

from .services import EDITORS


def items(user):
    if user.role not in EDITORS:
        return []
    return [NavItem("工作日历", reverse("calendar:home"), order=29)]
