"""The download of an export: the workbook (written by ``zhenxing.lib.xlsx``) with its attachment
headers and the one audit entry an export leaves."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from zhenxing.lib.xlsx import CONTENT_TYPE, Sheet, sheets_of, workbook_bytes

from . import services as audit


def export_response(
    request, *sheets: Sheet, filename: str, audit_extra: dict, obj=None, rows_key: str | None = "rows", **sheet
) -> HttpResponse:
    """The workbook as a download, audited as one "export" entry with ``audit_extra`` (plus the
    number of data rows under ``rows_key``, unless that is None)."""
    sheets = sheets_of(sheets, sheet)
    data = workbook_bytes(*sheets)
    extra = dict(audit_extra)
    if rows_key:
        extra[rows_key] = sum(s.written for s in sheets)
    audit.event_log(action="export", actor=request.user, request=request, obj=obj, extra=extra)
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
