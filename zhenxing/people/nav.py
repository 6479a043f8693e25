from django.urls import reverse

from zhenxing.accounts.models import Role
from zhenxing.lib.modules import NavItem

# Department accounts see none of these ledgers (their scope rule is "none").
ROLES = {Role.PREFECTURE_ADMIN, Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE, Role.INSPECTOR}


def items(user):
    if user.role not in ROLES:
        return []
    return [
        NavItem("就业帮扶与乡村治理", reverse("people:home"), order=500),
        NavItem("积分制", reverse("people:points"), order=510),
        NavItem("小微权力清单", reverse("people:powers"), order=520),
    ]
