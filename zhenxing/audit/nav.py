from django.urls import reverse

from zhenxing.core.modules import NavItem

from .selectors import AUDIT_READERS


def items(user):
    return [NavItem("审计日志", reverse("audit:list"), order=950)] if user.role in AUDIT_READERS else []
