from django.urls import reverse

from zhenxing.lib.modules import NavItem

from .services import WRITER_ROLES


def items(user):
    out = [NavItem("农户档案", reverse("registry:list"), order=100)]
    if user.role in WRITER_ROLES:
        out.append(NavItem("导入农户", reverse("registry:import"), order=101))
    return out
