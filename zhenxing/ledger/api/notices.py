"""Ledger API: the caller's own notices."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpResponse
from ninja import Query, Schema, Status

from zhenxing.lib.pagination import Keyset, keyset_page

from .. import services
from ..models import Notice
from .common import router, scope_extra


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


@router.get("/ledger/notices", response=list[NoticeOut], openapi_extra=scope_extra("self"), summary="我的通知")
def notice_list(request, response: HttpResponse, page: Keyset = Query(...), unread: bool = False):
    qs = Notice.objects.filter(recipient=request.user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in keyset_page(request, response, qs, page, desc=True)
    ]


@router.post(
    "/ledger/notices/{notice_id}/read", response={204: None}, openapi_extra=scope_extra("self"), summary="标为已读"
)
def notice_read(request, notice_id: int):
    notice = Notice.objects.filter(recipient=request.user, pk=notice_id).first()
    if notice is None:
        raise Http404
    services.notice_mark_read(actor=request.user, notice=notice)
    return Status(204, None)
