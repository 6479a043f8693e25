from django.urls import reverse

from zhenxing.lib.modules import NavItem

from zhenxing.accounts import scope


def items(user):
    out = [NavItem("农户档案", reverse("registry:list"), order=100)]
    if scope.can_write(user, None, "registry.household.import"):
        out.append(NavItem("导入农户", reverse("registry:import"), order=101))
    return out
