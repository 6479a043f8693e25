"""Pages without login, mounted at /public/ (see lib/modules.py)."""

from __future__ import annotations

from django.urls import path, reverse

from zhenxing.lib.modules import PortalLink

from . import public

urlpatterns = [
    path("apply", public.apply, name="apply"),
    path("apply/status", public.apply_status, name="apply_status"),
    path("apply/regions", public.apply_regions, name="apply_regions"),
]


def portal_links() -> list[PortalLink]:
    return [
        PortalLink(
            "防返贫监测帮扶自主申报",
            reverse("monitoring_public:apply"),
            "家中因病、因灾、因意外等遇到困难，可能返贫致贫的，用手机即可申报，村里入户核实。",
            order=10,
        ),
        PortalLink(
            "查询申报办理进度",
            reverse("monitoring_public:apply_status"),
            "凭受理号和身份证号查询办理到哪一步。",
            order=20,
        ),
    ]
