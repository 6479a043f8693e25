"""Ledger pages: helpers shared by the sections."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.utils import timezone

from zhenxing.accounts.models import Role

ADMIN = {Role.PREFECTURE_ADMIN}
PAGE = 100


def _as_of(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _form_messages(request, form) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}：{e}" if label else e)
