"""Public disclosure pages, mounted at /public/ (namespace ``funds_public``)."""

from __future__ import annotations

from django.urls import path, reverse

from zhenxing.lib.modules import PortalLink

from . import public

urlpatterns = [
    path("funds/", public.index, name="index"),
    path("funds/<str:county>/", public.county_page, name="county"),
    path("funds/<str:county>/<int:year>/<str:kind>/", public.disclosure, name="disclosure"),
    path("funds/<str:county>/<int:year>/<str:kind>/qr.svg", public.qr, name="qr"),
]


def portal_links() -> list[PortalLink]:
    return [
        PortalLink(
            "项目资金公告公示",
            reverse("funds_public:index"),
            "各县衔接资金分配、项目库、年度项目计划和实施进度公告公示。",
            order=30,
        )
    ]
