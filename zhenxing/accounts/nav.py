from django.urls import reverse

from zhenxing.lib.modules import NavItem

from .models import Role


def items(user):
    if user.role in {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}:
        return [NavItem("账户管理", reverse("accounts:user_list"), order=900)]
    return []
