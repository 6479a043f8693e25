"""Errors that services raise and every interface (pages, API, commands) understands the same way."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Schema


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


class FieldErrorOut(Schema):
    """One refused value of a 422: where it was (``loc``), the field's name and the Chinese reason."""

    loc: list[str | int]
    field: str
    msg: str


class ErrorOut(Schema):
    """The body of every error answer of the API (zhenxing/api.py): the Chinese ``detail``, and for
    a 422 the refused values. An operation that answers a status with a body of its own as well
    declares ``OwnBody | ErrorOut`` for it, so the OpenAPI document is true of both."""

    detail: str
    errors: list[FieldErrorOut] = []
