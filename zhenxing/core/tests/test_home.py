"""The home page's work list shows every count, 1 included."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory

from zhenxing.lib.modules import PendingItem


def test_every_count_is_shown_one_included(w):
    request = RequestFactory().get("/")
    request.user = w.fendou
    groups = {
        "待核实": [
            PendingItem(category="待核实", label="奋斗村 入户核实", url="/monitoring/1/"),
            PendingItem(category="待核实", label="奋斗村 走访", url="/monitoring/", count=12),
        ]
    }
    page = render_to_string("core/home.html", {"groups": groups}, request=request)
    assert '<span class="badge">1</span>' in page and '<span class="badge">12</span>' in page
