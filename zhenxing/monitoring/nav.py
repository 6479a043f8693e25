from django.urls import reverse

from zhenxing.accounts.models import Role
from zhenxing.lib.modules import NavItem

STAFF = {
    Role.PREFECTURE_ADMIN,
    Role.COUNTY_STAFF,
    Role.TOWNSHIP_STAFF,
    Role.VILLAGE_CADRE,
    Role.INSPECTOR,
    Role.SYSTEM_ADMIN,
    Role.DEPARTMENT_STAFF,
}


def items(user):
    if user.role not in STAFF:
        return []
    entries = [
        NavItem("防返贫监测对象", reverse("monitoring:list"), order=20),
        NavItem("公示", reverse("monitoring:postings"), order=22),
        NavItem("帮扶责任人", reverse("monitoring:helpers"), order=24),
        NavItem("年度监测标准", reverse("monitoring:standards"), order=28),
    ]
    if user.role in {Role.VILLAGE_CADRE, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.PREFECTURE_ADMIN}:
        entries.insert(1, NavItem("自主申报", reverse("monitoring:applications"), order=21))
    return entries
