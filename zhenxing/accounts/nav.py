from django.urls import reverse

from zhenxing.lib.modules import NavItem

from . import scope


def items(user):
    if not scope.in_menu(user, "accounts.users"):
        return []
    return [NavItem("账户管理", reverse("accounts:user_list"), order=900, group="系统")]
