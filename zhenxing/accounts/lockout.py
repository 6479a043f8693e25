"""Login lock (等保2.0) per account, and a much higher throttle per address.

- An ACCOUNT is locked after ``LOGIN_MAX_FAILURES`` (5) failed logins within
  ``LOGIN_LOCKOUT_SECONDS`` (15 minutes). Its count restarts at its own successful login or at
  an admin's lift.
- An ADDRESS is throttled after ``LOGIN_ADDRESS_MAX_FAILURES`` (50) failures within the same
  window, whatever accounts they named: township offices and village stations share one address
  behind NAT, so a colleague's typos must not lock the whole office out. Its count restarts
  only at an admin's lift, never at a successful login (a guesser's own account logging in
  between guesses would otherwise reset it).

A lock lasts while the window still holds the threshold's number of failures: it ends
``LOGIN_LOCKOUT_SECONDS`` after the failure that was the threshold-th most recent. Tries refused
by a lock are not counted. Lifts are rows of ``LoginAttempt`` with ``unlock=True``: an account's
lift has the username and no address, an address's lift the address and no username.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.db.models.functions import Lower
from django.utils import timezone

from .models import LoginAttempt

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Lock:
    kind: str  # ACCOUNT or ADDRESS
    key: str  # the username (as tried) or the address
    failures: int  # failures counted in the window (the threshold: tries refused by the lock are not)
    until: datetime

    @property
    def label(self) -> str:
        return "账户锁定" if self.kind == ACCOUNT else "地址限制"


def _window_start(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def _lock(kind: str, key: str, now: datetime | None) -> Lock | None:
    now = now or timezone.now()
    if kind == ACCOUNT:
        target = Q(username__iexact=key)
        reset = Q(success=True) | Q(unlock=True, ip__isnull=True)
        threshold = settings.LOGIN_MAX_FAILURES
    else:
        target = Q(ip=key)
        reset = Q(unlock=True, username="")
        threshold = settings.LOGIN_ADDRESS_MAX_FAILURES
    last_reset = LoginAttempt.objects.filter(target, reset).aggregate(m=Max("at"))["m"]
    failures = LoginAttempt.objects.filter(target, success=False, unlock=False, at__gte=_window_start(now))
    if last_reset:
        failures = failures.filter(at__gt=last_reset)
    times = list(failures.order_by("-at").values_list("at", flat=True)[:threshold])
    if len(times) < threshold:
        return None
    until = times[-1] + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    if until <= now:
        return None
    return Lock(kind=kind, key=key, failures=len(times), until=until)


def account_lock(username: str, now: datetime | None = None) -> Lock | None:
    return _lock(ACCOUNT, username, now)


def address_lock(ip: str | None, now: datetime | None = None) -> Lock | None:
    return _lock(ADDRESS, ip, now) if ip else None


def lock_for(username: str, ip: str | None, now: datetime | None = None) -> Lock | None:
    """The lock that refuses this try (the one that ends later when both do), or None."""
    locks = [lock for lock in (account_lock(username, now), address_lock(ip, now)) if lock]
    return max(locks, key=lambda lock: lock.until) if locks else None


def locked_until(username: str, ip: str | None, now: datetime | None = None) -> datetime | None:
    """When the lock on this account or this address ends, or None when neither is locked."""
    lock = lock_for(username, ip, now)
    return lock.until if lock else None


def record_attempt(username: str, ip: str | None, success: bool) -> None:
    LoginAttempt.objects.create(username=username[:150], ip=ip or None, success=success)


def account_unlock(username: str) -> None:
    LoginAttempt.objects.create(username=username, ip=None, success=False, unlock=True)


def address_unlock(ip: str) -> None:
    LoginAttempt.objects.create(username="", ip=ip, success=False, unlock=True)


def current_locks(now: datetime | None = None) -> tuple[list[Lock], list[Lock]]:
    """Every account lock and every address throttle in force (account keys in lower case)."""
    now = now or timezone.now()
    recent = LoginAttempt.objects.filter(success=False, unlock=False, at__gte=_window_start(now))
    names = (
        recent.annotate(name=Lower("username"))
        .values("name")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.LOGIN_MAX_FAILURES)
        .values_list("name", flat=True)
    )
    ips = (
        recent.exclude(ip=None)
        .values("ip")
        .annotate(n=Count("id"))
        .filter(n__gte=settings.LOGIN_ADDRESS_MAX_FAILURES)
        .values_list("ip", flat=True)
    )
    accounts = [lock for name in names if (lock := account_lock(name, now))]
    addresses = [lock for ip in ips if (lock := address_lock(ip, now))]
    return (sorted(accounts, key=lambda lock: lock.key), sorted(addresses, key=lambda lock: lock.key))
