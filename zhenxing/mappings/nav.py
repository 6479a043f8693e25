from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem


def items(user):
    if not scope.in_menu(user, "mappings.home") or not scope.can_write(user, user.region, "mappings.mapping.save"):
        return []
    return [NavItem("导入列映射", reverse("mappings:home"), order=28, group="系统")]
