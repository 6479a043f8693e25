from django.urls import reverse

from zhenxing.accounts.models import Role
from zhenxing.lib.modules import NavItem


def items(user):
    if user.role == Role.DEPARTMENT_STAFF:
        return []
    return [NavItem("农村集体经济", reverse("collective:index"), order=450, group="集体经济")]
