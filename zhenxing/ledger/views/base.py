"""Ledger pages: helpers shared by the sections."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhenxing.accounts.models import Role

ADMIN = {Role.PREFECTURE_ADMIN}
PAGE = 100


def _errors(request, exc: ValidationError, form=None) -> None:
    if hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            for msg in msgs:
                if form is not None and field in form.fields:
                    form.add_error(field, msg)
                else:
                    messages.error(request, msg)
    else:
        for msg in exc.messages:
            messages.error(request, msg)


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
