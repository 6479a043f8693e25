from django.urls import reverse

from zhenxing.accounts.models import Role
from zhenxing.lib.modules import NavItem


def items(user):
    if user.role == Role.DEPARTMENT_STAFF:
        return []
    return [NavItem("扶贫项目资产", reverse("assets:inventory"), order=410)]
