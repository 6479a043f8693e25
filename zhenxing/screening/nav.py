from django.urls import reverse

from zhenxing.lib.modules import NavItem

from .services import ADMIN_ROLES


def items(user):
    out = [NavItem("部门预警", reverse("screening:alerts"), order=300)]
    if user.role in ADMIN_ROLES or user.role == "department_staff":
        out.append(NavItem("部门数据", reverse("screening:feeds"), order=310))
    if user.role in ADMIN_ROLES:
        out.append(NavItem("筛查运行", reverse("screening:runs"), order=320))
        out.append(NavItem("筛查规则", reverse("screening:rules"), order=330))
    return out
