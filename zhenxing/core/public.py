"""公共服务首页: the public portal at /public/, no login, phone first.

It links every public page the modules offer (``portal_links()`` of their ``public_urls``, see
lib/modules.py), and shows the national 12317 hotline and the office phones of the plan's four
county-level units (data on the region, set by a prefecture admin on the region page). Nothing
personal is read here.
"""

from __future__ import annotations

from django.shortcuts import render

from zhenxing.accounts.access import public_view
from zhenxing.lib.modules import portal_links
from zhenxing.regions.selectors import HOTLINE, plan_counties


@public_view
def portal(request):
    counties = plan_counties().only("code", "name", "is_sample", "office_phone", "office_phone_is_sample")
    return render(request, "core/portal.html", {"links": portal_links(), "counties": counties, "hotline": HOTLINE})
