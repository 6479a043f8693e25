"""Job kinds: what the queue knows how to carry out.

A domain app registers its kinds in its own ``jobs`` module (the provider convention of
``lib/modules.py``: the module is imported the first time a kind is looked up)::

    from zhenxing.jobs.kinds import job_kind

    @job_kind("registry.import", label="导入农户", result_url=lambda job: ...)
    def household_import(job, ctx) -> dict:
        ctx.progress("校验", 0, n)
        ...
        return {"report": ...}          # stored as Job.result

The handler gets the ``Job`` and a ``JobContext`` (``ctx.progress(stage, done, total)``,
``ctx.upload_path()`` for the job's uploaded file). What it returns is the job's result; an
exception fails the job with a Chinese message (``JobFailed`` carries one for the page).
``on_abandon(job)`` is called when a job of the kind is marked failed because its process died,
so the app can mark its own record (a screening run) failed too. ``runner_setting`` names the
setting that chooses where jobs of the kind run (default ``JOB_RUNNER``). ``keeps_upload``: the
job (a preview) leaves its upload for a later job (the commit); ``storage.uploads_sweep`` still
deletes it after ``JOB_UPLOAD_HOURS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from zhenxing.lib.modules import provided


class JobFailed(Exception):
    """A failure whose message (Chinese) is shown to the user as the job's error."""


@dataclass(frozen=True)
class JobKind:
    code: str
    label: str
    handler: Callable
    result_url: Callable | None = None  # (job) -> URL of what the job produced, or ""
    on_abandon: Callable | None = None  # (job) -> None
    runner_setting: str = "JOB_RUNNER"
    keeps_upload: bool = False  # a preview: the upload stays (encrypted) for the job that commits it


_KINDS: dict[str, JobKind] = {}


def job_kind(
    code: str,
    *,
    label: str,
    result_url: Callable | None = None,
    on_abandon: Callable | None = None,
    runner_setting: str = "JOB_RUNNER",
    keeps_upload: bool = False,
):
    """Decorator registering ``fn(job, ctx) -> dict`` as the handler of jobs of kind ``code``."""

    def deco(fn: Callable) -> Callable:
        if code in _KINDS and _KINDS[code].handler is not fn:
            raise ValueError(f"任务类型重复：{code}")
        _KINDS[code] = JobKind(
            code=code,
            label=label,
            handler=fn,
            result_url=result_url,
            on_abandon=on_abandon,
            runner_setting=runner_setting,
            keeps_upload=keeps_upload,
        )
        return fn

    return deco


@cache
def _discover() -> None:
    provided("jobs")  # imports every app's jobs module, whose decorators register the kinds


def kinds() -> dict[str, JobKind]:
    _discover()
    return dict(_KINDS)


def kind_get(code: str) -> JobKind:
    found = kinds().get(code)
    if found is None:
        raise JobFailed(f"未知的任务类型：{code}")
    return found
