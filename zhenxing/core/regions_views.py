"""The region tree page (the tree itself is ``zhenxing.regions``)."""
from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render

from zhenxing.accounts import scope
from zhenxing.accounts.access import staff_view

from zhenxing.regions.models import Region


@staff_view()
def region_home(request):
    return region_node(request, code=request.user.region.code)


@staff_view(model=Region, url_kwarg="code", lookup="code")
def region_detail(request, node):
    return _render(request, node)


def region_node(request, code):
    node = scope.get_object_or_404(request.user, Region, code=code)
    return _render(request, node)


def _render(request, node):
    children = scope.regions(request.user).filter(parent=node).annotate(n_children=Count("children"))
    chain = [r for r in node.ancestors() if scope.region_in_scope(request.user, r)]
    return render(request, "regions/node.html", {"node": node, "children": children, "chain": chain})
