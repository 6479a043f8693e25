"""Reads for the accounts pages, scoped like every read (accounts/scope.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower

from . import lockout, scope
from .models import User


@dataclass(frozen=True)
class AccountLock:
    user: User
    lock: lockout.Lock


def login_locks(*, user: User) -> tuple[list[AccountLock], list[lockout.Lock]]:
    """The account locks in force on accounts within the user's scope (a lock on a name that is
    no account refuses nobody and is not shown), and every address throttle in force (an address
    belongs to no region; only prefecture and system admins open the accounts page)."""
    accounts, addresses = lockout.current_locks()
    by_name = {lock.key: lock for lock in accounts}
    users = (
        scope.scoped(user, User)
        .select_related("region")
        .annotate(lname=Lower("username"))
        .filter(lname__in=list(by_name))
        .order_by("username")
    )
    return [AccountLock(user=u, lock=by_name[u.lname]) for u in users], addresses
