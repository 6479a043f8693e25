from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem


def items(user):
    if not scope.in_menu(user, "assets.inventory"):
        return []
    return [NavItem("扶贫项目资产", reverse("assets:inventory"), order=410, group="资金资产")]
