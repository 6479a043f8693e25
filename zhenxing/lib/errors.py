"""Exceptions every layer may raise; the API turns each into one status code."""
from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleVersion(ValidationError):
    """Someone else changed the record since the user read it (optimistic locking on its version
    column): nothing was written. The message is the Chinese sentence shown to the user; the API
    answers 409. A ValidationError, so a form or page that shows validation errors shows it too."""

    def __init__(self, message: str = "该记录已被他人修改，请刷新后重试"):
        super().__init__(message, code="stale_version")
