from django.urls import reverse

from zhenxing.lib.modules import NavItem


def items(user):
    return [
        NavItem("领导驾驶舱", reverse("dashboard:home"), order=50),
        NavItem("定期报告", reverse("dashboard:reports"), order=51),
    ]
