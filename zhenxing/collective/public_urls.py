"""村务公开 pages, mounted at /public/ (namespace ``collective_public``)."""

from __future__ import annotations

from django.urls import path, reverse

from zhenxing.lib.modules import PortalLink

from . import public

urlpatterns = [
    path("collective/", public.index, name="index"),
    path("collective/<str:village>/", public.village, name="village"),
    path("collective/<str:village>/<int:pk>/", public.disclosure, name="disclosure"),
    path("collective/<str:village>/qr.svg", public.qr, name="qr"),
]


def portal_links() -> list[PortalLink]:
    return [
        PortalLink(
            "村务公开（集体经济）",
            reverse("collective_public:index"),
            "各村集体经济组织季度财务收支、合同和收益分配公开。",
            order=40,
        )
    ]
