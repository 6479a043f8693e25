"""村规民约 and 示范 titles, mounted at /public/ (namespace ``village_public``)."""

from __future__ import annotations

from django.urls import path, reverse

from zhenxing.lib.modules import PortalLink

from . import public

urlpatterns = [
    path("village/", public.index, name="index"),
    path("village/<str:village>/", public.village, name="village"),
]


def portal_links() -> list[PortalLink]:
    return [
        PortalLink(
            "村规民约和示范村",
            reverse("village_public:index"),
            "各村经村民会议表决、乡镇备案后公布的村规民约，以及获评的示范村、美丽宜居村庄和好支书。",
            order=45,
        )
    ]
