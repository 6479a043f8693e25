"""Job reads, scoped: a user's own jobs; administrators every job of their region's subtree."""

from __future__ import annotations

from django.db.models import QuerySet

from zhenxing.accounts import scope

from .models import Job


def jobs_for(user) -> QuerySet[Job]:
    return scope.scoped(user, Job).select_related("requested_by", "region")


def job_by_upload(user, token: str, *, kind: str = "") -> Job | None:
    """The (newest) job that took the upload ``token``, of ``kind`` when given, if the user may see it."""
    if not token:
        return None
    qs = jobs_for(user).filter(upload=token)
    return (qs.filter(kind=kind) if kind else qs).order_by("-pk").first()
