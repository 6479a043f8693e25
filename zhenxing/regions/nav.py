from django.urls import reverse

from zhenxing.core.modules import NavItem


def items(user):
    return [NavItem("行政区划", reverse("regions:home"), order=800)]
