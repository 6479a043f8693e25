"""Household imports from the upload page, carried out on the job queue (zhenxing/jobs).

The page stores the upload encrypted in the job storage (``jobs.storage.upload_save``), shows
the preview (a dry run) and, once the user confirms, queues a ``registry.import`` job holding the
upload; the worker (or, in the demo, a thread) commits it, and the page polls the job."""

from __future__ import annotations

from django.urls import reverse

from zhenxing.jobs.kinds import job_kind

IMPORT = "registry.import"


def failed_report(message: str) -> dict:
    """The import report of a file that was not imported, with one message for the whole file."""
    return {
        "committed": False,
        "households": {},
        "members": {},
        "errors": [{"row": None, "column": "", "message": message}],
    }


def _report_url(job) -> str:
    return reverse("registry:import_job", args=[job.upload]) if job.upload else ""


@job_kind(IMPORT, label="导入农户", result_url=_report_url)
def household_import(job, ctx) -> dict:
    from .imports import Unreadable, run_import

    try:
        report = run_import(
            ctx.upload_bytes(),
            filename=job.payload.get("filename", ""),
            actor=job.requested_by,
            only_valid=bool(job.payload.get("only_valid")),
            progress=ctx.progress,
        )
    except Unreadable as exc:  # nothing was written: the page shows why
        return {"report": failed_report(str(exc))}
    return {"report": report.as_json()}
