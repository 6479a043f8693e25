from django.urls import reverse

from zhenxing.lib.modules import NavItem

from .selectors import is_field_user


def items(user):
    if not is_field_user(user):
        return []
    return [NavItem("移动工作台（离线走访）", reverse("field:home"), order=26, group="监测帮扶")]
