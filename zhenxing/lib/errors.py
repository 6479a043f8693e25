"""Errors that services raise and every interface (pages, API, commands) understands the same way."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleVersion(ValidationError):
    """Someone else changed the record since the user read it (optimistic locking on its version
    column): nothing was written. The message is the Chinese sentence shown to the user; the API
    answers 409 (zhenxing/api.py). A ValidationError, so a form or page that shows validation errors
    shows it too."""

    def __init__(self, message="该记录已被他人修改，请刷新后重试"):
        super().__init__(message, code="stale_version")


def require_current(seen: int | None, current: int, message: str) -> None:
    """Refuse at once (before any other check) a write made from a stale read: the actor saw version
    ``seen`` and the record is now at ``current``. ``seen`` None means the caller did not send one."""
    if seen is not None and seen != current:
        raise StaleVersion(message)
