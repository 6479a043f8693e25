"""The region tree page (the tree itself is ``zhenxing.regions``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view
from zhenxing.accounts.models import REGION_ADMIN_ROLES
from zhenxing.lib.forms import service_errors_to_messages
from zhenxing.regions import services
from zhenxing.regions.models import Level, Region
from zhenxing.regions.selectors import PLAN_COUNTIES


@staff_view()
def region_home(request):
    return region_node(request, code=request.user.region.code)


@staff_view(model=Region, url_kwarg="code", lookup="code")
def region_detail(request, node):
    return _render(request, node)


@staff_view(model=Region, url_kwarg="code", lookup="code", roles=REGION_ADMIN_ROLES)
@require_POST
def office_phone(request, node):
    """The county office's public phone (shown on the public portal), set by a prefecture admin."""
    try:
        services.region_office_phone_set(actor=request.user, region=node, phone=request.POST.get("office_phone", ""))
    except ValidationError as exc:
        service_errors_to_messages(request, exc)
    else:
        messages.success(request, "办公电话已保存")
    return redirect("regions:detail", code=node.code)


def region_node(request, code):
    node = scope.get_object_or_404(request.user, Region, code=code)
    return _render(request, node)


def _render(request, node):
    children = scope.regions(request.user).filter(parent=node).annotate(n_children=Count("children"))
    chain = [r for r in node.ancestors() if scope.region_in_scope(request.user, r)]
    return render(
        request,
        "regions/node.html",
        {
            "node": node,
            "children": children,
            "chain": chain,
            "phones": node.level == Level.PREFECTURE,
            "on_portal": node.code in PLAN_COUNTIES,
            "phone_editable": node.level == Level.COUNTY and request.user.manages_regions,
        },
    )
