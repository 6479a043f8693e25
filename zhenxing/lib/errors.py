"""Errors that services raise and every interface (pages, API, commands) understands the same way."""
from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleVersion(ValidationError):
    """A versioned write found the record changed since the actor read it (optimistic locking on
    ``version``): nothing was written. A ValidationError, so a page shows it like any refusal; the
    API answers 409 (zhenxing/api.py)."""


def require_current(seen: int | None, current: int, message: str) -> None:
    """Refuse at once (before any other check) a write made from a stale read: the actor saw version
    ``seen`` and the record is now at ``current``. ``seen`` None means the caller did not send one."""
    if seen is not None and seen != current:
        raise StaleVersion(message)
