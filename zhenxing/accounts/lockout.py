"""Login lockout: 5 failures within 15 minutes lock the account, and the address, for 15 minutes."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from .models import LoginAttempt


def _locked_until(q: Q, now: datetime) -> datetime | None:
    window_start = now - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    # Failures count from the latest success or admin unlock.
    reset = LoginAttempt.objects.filter(q, Q(success=True) | Q(unlock=True)).aggregate(m=Max("at"))["m"]
    failures = LoginAttempt.objects.filter(q, success=False, unlock=False, at__gte=window_start)
    if reset:
        failures = failures.filter(at__gt=reset)
    times = list(failures.order_by("-at").values_list("at", flat=True)[: settings.LOGIN_MAX_FAILURES])
    if len(times) < settings.LOGIN_MAX_FAILURES:
        return None
    return times[0] + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def locked_until(username: str, ip: str | None, now: datetime | None = None) -> datetime | None:
    """When the lock on this account or this address ends, or None when neither is locked."""
    now = now or timezone.now()
    candidates = [_locked_until(Q(username__iexact=username), now)]
    if ip:
        candidates.append(_locked_until(Q(ip=ip), now))
    ends = [c for c in candidates if c and c > now]
    return max(ends) if ends else None


def record_attempt(username: str, ip: str | None, success: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=ip or None, success=success)


def unlock(username: str) -> None:
    LoginAttempt.objects.create(username=username, ip=None, success=False, unlock=True)
