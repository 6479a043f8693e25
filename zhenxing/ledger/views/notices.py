"""Ledger pages: the notice centre."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render

from zhenxing.accounts.access import staff_view

from .. import services
from ..models import Notice
from .base import PAGE, _int


@staff_view(page="ledger.notices")
def notice_list(request):
    if request.method == "POST":
        services.notice_mark_read(actor=request.user)
        return redirect("ledger:notices")
    qs = Notice.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    before = _int(request.GET.get("before"))
    if before:
        qs = qs.filter(id__lt=before)
    page = list(qs.order_by("-id")[:PAGE])
    return render(
        request,
        "ledger/notices.html",
        {
            "notices": page,
            "next_before": page[-1].pk if len(page) == PAGE else None,
            "unread": Notice.objects.filter(recipient=request.user, read_at__isnull=True).count(),
        },
    )


@staff_view()
def notice_open(request, pk: int):
    notice = Notice.objects.filter(recipient=request.user, pk=pk).first()
    if notice is None:
        raise Http404("通知不存在")
    services.notice_mark_read(actor=request.user, notice=notice)
    return redirect(notice.url or "ledger:notices")
