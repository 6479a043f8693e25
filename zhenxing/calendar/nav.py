from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem


def items(user):
    if not scope.in_menu(user, "calendar.home"):
        return []
    return [NavItem("工作日历", reverse("calendar:home"), order=29, group="系统")]
