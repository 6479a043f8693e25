"""Funds services: public disclosure (公告公示)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from zhenxing.accounts import scope
from zhenxing.audit import services as audit
from zhenxing.audit.context import acting
from zhenxing.regions.models import Region

from ..models import Disclosure, DisclosureKind


def disclosure_publish(
    *,
    actor,
    county: Region,
    year: int,
    kind: str,
    period_start: dt.date,
    period_end: dt.date | None = None,
    board: str = "county",
    note: str = "",
) -> Disclosure:
    """Publish (a frozen copy of) the county's current records of one kind. Publishing again after
    the records changed is a correction of the previous version, with what changed."""
    from .. import selectors

    scope.require_write(actor, county, "funds.disclosure.publish")
    if kind not in DisclosureKind.values:
        raise ValidationError({"kind": ["公示内容类型不正确"]})
    if board in {"village", "township"} and (period_end is None or (period_end - period_start).days + 1 < 10):
        raise ValidationError({"period_end": ["村、乡镇公示栏公示期不少于10天"]})
    if period_end is not None and period_end < period_start:
        raise ValidationError({"period_end": ["公示结束日期不能早于开始日期"]})
    content = selectors.disclosure_content(county=county, year=year, kind=kind)
    previous = Disclosure.objects.filter(county=county, year=year, kind=kind).order_by("-version").first()
    correction = ""
    if previous is not None:
        changes = selectors.disclosure_diff(previous.content, content)
        if not changes:
            raise ValidationError({"kind": ["内容与上次公示相同，无需重新发布"]})
        correction = "；".join(changes)
        if note:
            correction = f"{note}。{correction}"
    with transaction.atomic(), acting(actor):
        item = Disclosure.objects.create(
            county=county,
            year=year,
            kind=kind,
            board=board,
            version=(previous.version + 1) if previous else 1,
            corrects=previous,
            correction_note=correction,
            content=content,
            period_start=period_start,
            period_end=period_end,
            published_by=actor,
        )
        audit.event_log(
            action="publish", actor=actor, obj=item, extra={"kind": kind, "year": year, "version": item.version}
        )
    return item
