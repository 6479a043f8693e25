from __future__ import annotations

from collections import OrderedDict

from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render

from zhenxing.accounts.access import public_view, staff_view
from zhenxing.lib.modules import pending_items


@staff_view()
def home(request):
    groups: OrderedDict[str, list] = OrderedDict()
    for item in pending_items(request.user):
        groups.setdefault(item.category, []).append(item)
    return render(request, "core/home.html", {"groups": groups})


@public_view
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    except Exception:  # any failure to reach the database is a 503, never a stack trace
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
