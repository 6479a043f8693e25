from django.urls import reverse

from zhenxing.accounts.models import Role
from zhenxing.lib.modules import NavItem


def items(user):
    if user.role == Role.DEPARTMENT_STAFF:
        return []
    out = [
        NavItem("衔接资金", reverse("funds:figures"), order=400),
        NavItem("项目库", reverse("funds:projects"), order=401),
        NavItem("资金下达与安排", reverse("funds:allocations"), order=402),
        NavItem("跑冒滴漏检查", reverse("funds:leakage"), order=403),
        NavItem("公告公示", reverse("funds:disclosures"), order=404),
        NavItem("小额信贷", reverse("funds:loans"), order=405),
    ]
    if user.role in {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN, Role.COUNTY_STAFF}:
        out.append(NavItem("年度参数与支出计划", reverse("funds:parameters"), order=407))
    if user.role in {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}:
        out.append(NavItem("工作人员身份登记", reverse("funds:staff_identities"), order=406))
    return out
