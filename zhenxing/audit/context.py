"""Who is acting right now: set per request by middleware, or by ``acting()`` in commands."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

_request: contextvars.ContextVar = contextvars.ContextVar("zx_audit_request", default=None)
_actor: contextvars.ContextVar = contextvars.ContextVar("zx_audit_actor", default=None)
_suspended: contextvars.ContextVar = contextvars.ContextVar("zx_audit_suspended", default=False)


def current_request():
    return _request.get()


def current_actor():
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


@contextmanager
def request_context(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def acting(user):
    """Attribute every change inside this block to ``user`` (CLI, background jobs, services)."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextmanager
def bulk_logged():
    """Inside, per-row signals are off: the caller writes its own set-based audit entries."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def suspended() -> bool:
    return _suspended.get()
