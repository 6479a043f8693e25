from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem


def items(user):
    entries = [
        ("dashboard.home", "领导驾驶舱", "dashboard:home", 50),
        ("dashboard.reports", "定期报告", "dashboard:reports", 51),
    ]
    return [
        NavItem(label, reverse(url), order=order, group="统计报告")
        for page, label, url, order in entries
        if scope.in_menu(user, page)
    ]
