from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem


def items(user):
    # 导入农户 is a button on the household list (for those who may import), not a menu entry.
    if not scope.in_menu(user, "registry.list"):
        return []
    return [NavItem("农户档案", reverse("registry:list"), order=10, group="监测帮扶")]
