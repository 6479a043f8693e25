"""What the field app shows and syncs: the user's own village (a village cadre) or the cases a
helper is responsible for, always through the data scope (accounts/scope.py)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.monitoring import selectors as monitoring_selectors
from zhenxing.monitoring import workflow as monitoring_workflow
from zhenxing.monitoring.models import RISK_CHOICES, Channel, Helper, MeasureCategory, MonitoringCase
from zhenxing.registry.models import Household
from zhenxing.screening.models import Alert, AlertState

REFUSAL = "移动工作台仅供村干部和帮扶责任人使用"
# Alerts that wait for a home check in the village.
HOME_CHECK_ALERT_STATES = (AlertState.ISSUED, AlertState.VERIFYING)


def is_field_user(user) -> bool:
    """A village cadre, or an account named as an active 帮扶责任人."""
    if not user.is_authenticated or user.is_read_only:
        return False
    if user.role == Role.VILLAGE_CADRE:
        return True
    return Helper.objects.filter(user=user, active=True).exists()


def require_field_user(user) -> None:
    if not is_field_user(user):
        raise PermissionDenied(REFUSAL)


def cases(user) -> QuerySet[MonitoringCase]:
    """Every case the user works on (open or not), scoped: a cadre's village, a helper's own cases."""
    qs = monitoring_selectors.cases(user)
    if user.role != Role.VILLAGE_CADRE:
        qs = qs.filter(helper__user=user)
    return qs


def open_cases(user) -> QuerySet[MonitoringCase]:
    return cases(user).filter(state__in=monitoring_workflow.OPEN_STATES).order_by("-discovered_on", "-id")


def households(user) -> QuerySet[Household]:
    qs = scope.scoped(user, Household)
    if user.role != Role.VILLAGE_CADRE:
        qs = qs.filter(pk__in=cases(user).values("household_id"))
    return qs


def alerts(user) -> QuerySet[Alert]:
    qs = scope.scoped(user, Alert).filter(household__isnull=False)
    if user.role != Role.VILLAGE_CADRE:
        qs = qs.filter(household__in=households(user))
    return qs


def store_key(user) -> str:
    """The AES-GCM key (base64, 256 bits) the phone encrypts its store with, handed out only to a
    logged-in session on the /field/ pages. It is derived from the server's secret and the account,
    so a session that expired and logs in again still opens the work queued before; it is never
    written to IndexedDB, and logging out wipes the store."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"zhenxing.field.store:{user.pk}:{user.date_joined.isoformat()}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.b64encode(digest).decode()


def key_id(key: str) -> str:
    """A short public fingerprint of the key: the phone wipes a store written under another one."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


# ------------------------------------------------------------------------------------------ sync


def parse_since(since: str) -> dt.datetime | None:
    if not since:
        return None
    value = parse_datetime(since)
    if value is None:
        raise ValidationError({"since": ["须为上次同步返回的 server_time（日期时间）"]})
    return value


def parse_cursor(after: str) -> tuple[dt.datetime, int] | None:
    """The households' keyset cursor: "<updated_at ISO>|<id>" of the last row of the previous page."""
    if not after:
        return None
    stamp, _, pk = after.rpartition("|")
    value = parse_datetime(stamp)
    if value is None or not pk.isdigit():
        raise ValidationError({"after": ["分页游标无效，请使用上一页返回的 next"]})
    return value, int(pk)


def cursor_of(h: Household) -> str:
    return f"{h.updated_at.isoformat()}|{h.pk}"


def household_page(user, *, since: dt.datetime | None, after: tuple[dt.datetime, int] | None, size: int):
    """Households changed after ``since``, keyset by (updated_at, id); ``size + 1`` rows read."""
    qs = households(user)
    if since is not None:
        qs = qs.filter(updated_at__gt=since)
    if after is not None:
        stamp, pk = after
        qs = qs.filter(Q(updated_at__gt=stamp) | Q(updated_at=stamp, pk__gt=pk))
    qs = qs.order_by("updated_at", "pk").prefetch_related("members")
    rows = list(qs[: size + 1])
    return rows[:size], len(rows) > size


def sync_cases(user, *, since: dt.datetime | None) -> list[MonitoringCase]:
    """Every open case (a handful per village, always whole), and those closed since ``since``
    (the phone drops them)."""
    qs = cases(user).prefetch_related("measures")
    cond = Q(state__in=monitoring_workflow.OPEN_STATES)
    if since is not None:
        cond |= Q(updated_at__gt=since)
    return list(qs.filter(cond).order_by("pk"))


def sync_alerts(user, *, since: dt.datetime | None) -> list[Alert]:
    qs = alerts(user).select_related("household")
    cond = Q(state__in=HOME_CHECK_ALERT_STATES)
    if since is not None:
        cond |= Q(updated_at__gt=since)
    return list(qs.filter(cond).order_by("pk"))


def choices() -> dict[str, list[list[str]]]:
    return {
        "risk_types": [[c, str(label)] for c, label in RISK_CHOICES],
        "channels": [[c, str(label)] for c, label in Channel.choices],
        "measure_categories": [[c, str(label)] for c, label in MeasureCategory.choices],
        "case_states": [[c, str(s.label)] for c, s in monitoring_workflow.STATES.items()],
        "alert_states": [[c, str(label)] for c, label in AlertState.choices],
    }
