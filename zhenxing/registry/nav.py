from django.urls import reverse

from zhenxing.accounts import scope
from zhenxing.lib.modules import NavItem


def items(user):
    out = [NavItem("农户档案", reverse("registry:list"), order=100)]
    if scope.can_write(user, None, "registry.household.import"):
        out.append(NavItem("导入农户", reverse("registry:import"), order=101))
    return out
