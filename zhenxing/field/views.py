"""The field app's pages: the home list, a case page with the visit form, the manifest and the
service worker (both without login and without personal data: a browser fetches a manifest
without cookies)."""

from __future__ import annotations

import hashlib
import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from zhenxing.accounts import scope
from zhenxing.accounts.access import public_view, staff_view
from zhenxing.monitoring import selectors as monitoring_selectors
from zhenxing.monitoring import workflow as monitoring_workflow
from zhenxing.monitoring.models import RISK_CHOICES, Coping, MeasureCategory
from zhenxing.registry.models import MonitoringKind

from . import selectors
from .sw import SERVICE_WORKER


def _context(request, **extra) -> dict:
    key = selectors.store_key(request.user)
    return {
        "store_key": key,
        "key_id": selectors.key_id(key),
        "today": timezone.localdate(),
        **extra,
    }


@staff_view()
def home(request):
    selectors.require_field_user(request.user)
    standards = monitoring_selectors.Standards()
    cases = [(c, monitoring_selectors.case_due(c, standards)) for c in selectors.open_cases(request.user)]
    return render(request, "field/home.html", _context(request, cases=cases, risk_choices=RISK_CHOICES))


@staff_view()
def case(request, pk: int):
    selectors.require_field_user(request.user)
    c = scope.get_object_or_404(request.user, selectors.cases(request.user), pk=pk)
    return render(
        request,
        "field/case.html",
        _context(
            request,
            case=c,
            due=monitoring_selectors.case_due(c),
            measures=list(c.measures.all()),
            visits=list(c.visits.select_related("helper")[:5]),
            can_visit=c.state in monitoring_workflow.MONITORED_STATES or (c.fast_track and c.is_open),
            # 入户核实 offline: offered when this user may take the step now (the server checks again)
            can_check=not request.user.is_read_only
            and any(t.name == "verify" for t in monitoring_workflow.available(c, request.user)),
            kinds=MonitoringKind.choices,
            risk_choices=RISK_CHOICES,
            copings=Coping.choices,
            measure_categories=MeasureCategory.choices,
        ),
    )


@public_view
def manifest(request):
    body = {
        "name": "振兴·移动工作台",
        "short_name": "移动工作台",
        "description": "村干部和帮扶责任人入户走访，无信号时也能记录，有信号后自动上传",
        "lang": "zh-CN",
        "start_url": reverse("field:home"),
        "scope": reverse("field:home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#a61b1b",
        "icons": [
            {"src": static("zhenxing/field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("zhenxing/field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@public_view
def service_worker(request):
    shell = [
        reverse("field:home"),
        static("zhenxing/zhenxing.css"),
        static("zhenxing/field/field.css"),
        static("zhenxing/field/store.js"),
        static("zhenxing/field/forms.js"),
        static("zhenxing/field/app.js"),
        static("zhenxing/field/icon-192.png"),
        reverse("field:manifest"),
    ]
    version = hashlib.sha256(json.dumps(shell).encode()).hexdigest()[:12]  # new static files: a new cache
    script = (
        SERVICE_WORKER.replace("__SHELL__", json.dumps(shell))
        .replace("__SCOPE__", json.dumps(reverse("field:home")))
        .replace("__VERSION__", version)
    )
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:home")
    response["Cache-Control"] = "no-cache"
    return response
