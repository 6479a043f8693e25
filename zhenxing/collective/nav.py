from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem


def items(user):
    if not scope.in_menu(user, "collective.index"):
        return []
    return [NavItem("农村集体经济", reverse("collective:index"), order=450, group="集体经济")]
