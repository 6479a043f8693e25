"""GET /api/v1/field/sync: what the field app keeps on the phone, the changes since the last sync."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from ninja import Query, Router, Schema

from zhenxing.lib.pagination import Keyset, announce_next, page_size
from zhenxing.monitoring import selectors as monitoring_selectors

from . import selectors

router = Router(tags=["移动工作台"])


class SyncIn(Schema):
    since: str = ""


def _household(h) -> dict:
    return {
        "id": h.id,
        "number": h.number,
        "head_name": h.head_name,
        "address": h.address,
        "monitoring_status": h.monitoring_status,
        "living_members": h.living_members,
        "per_capita_income": str(h.per_capita_income) if h.per_capita_income is not None else None,
        "updated_at": h.updated_at.isoformat(),
        # ID numbers only masked: the full number never leaves the server for a phone.
        "members": [
            {"name": m.name, "relation": m.get_relation_display(), "id_masked": m.id_masked} for m in h.members.all()
        ],
    }


def _case(c, standards) -> dict:
    due = monitoring_selectors.case_due(c, standards)
    return {
        "id": c.id,
        "number": c.number,
        "household_id": c.household_id,
        "head_name": c.household.head_name,
        "state": c.state,
        "state_label": str(c.state_label),
        "open": c.is_open,
        "version": c.version,
        "risk_types": c.risk_types,
        "risk_label": c.risk_label,
        "helper": str(c.helper) if c.helper_id else None,
        "discovered_on": c.discovered_on.isoformat(),
        "due": due.due.isoformat() if due and due.due else None,
        "overdue_days": due.overdue_days if due else 0,
        "measures": [
            {
                "id": m.id,
                "category_label": m.get_category_display(),
                "content": m.content,
                "start_on": m.start_on.isoformat(),
                "end_on": m.end_on.isoformat() if m.end_on else None,
                "status": m.get_status_display(),
            }
            for m in c.measures.all()
        ],
    }


def _alert(a) -> dict:
    return {
        "id": a.id,
        "rule_name": a.rule_name,
        "household_id": a.household_id,
        "head_name": a.household.head_name if a.household_id else "",
        "state": a.state,
        "state_label": a.get_state_display(),
        "open": a.state in selectors.HOME_CHECK_ALERT_STATES,
        "version": a.version,
        "verify_due": a.verify_due.isoformat() if a.verify_due else None,
    }


@router.get(
    "/field/sync",
    openapi_extra={"x-scope": "self"},
    summary="移动工作台同步：本村农户（身份证号脱敏）、未办结案件、待入户核实的预警和选项；"
    "since 为上次同步的 server_time，农户按更新时间分页（after 为上一页的 next）",
)
def field_sync(request: HttpRequest, response: HttpResponse, sync: SyncIn = Query(...), page: Keyset = Query(...)):
    user = request.user
    selectors.require_field_user(user)
    server_time = timezone.now()
    since = selectors.parse_since(sync.since)
    after = selectors.parse_cursor(page.after)
    size = page_size(page)  # the app asks limit=500
    rows, more = selectors.household_page(user, since=since, after=after, size=size)
    cursor = selectors.cursor_of(rows[-1]) if more else ""
    announce_next(request, response, cursor, size)
    body: dict = {
        "server_time": server_time.isoformat(),
        "since": since.isoformat() if since else None,
        "households": [_household(h) for h in rows],
        "next": cursor,
        "csrf": get_token(request),  # the queued writes send it (the page a phone cached may be older)
    }
    if after is None:  # the first page carries the small sets whole
        standards = monitoring_selectors.Standards()
        body["cases"] = [_case(c, standards) for c in selectors.sync_cases(user, since=since)]
        body["alerts"] = [_alert(a) for a in selectors.sync_alerts(user, since=since)]
        body["choices"] = selectors.choices()
    return body
