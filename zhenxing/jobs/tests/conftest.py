"""Two job kinds of the tests' own, registered once: one that succeeds with progress, one that fails."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from zhenxing.jobs.kinds import JobFailed, job_kind

TEST_OK = "tests.ok"
TEST_FAIL = "tests.fail"
TEST_CRASH = "tests.crash"
abandoned: list[int] = []


@job_kind(
    TEST_OK,
    label="测试任务",
    result_url=lambda job: f"/result/{job.pk}/",
    on_abandon=lambda job: abandoned.append(job.pk),
)
def ok(job, ctx):
    ctx.progress("第一步", 1, 4)
    ctx.progress("第二步", 3, 4)
    return {"sum": sum(job.payload.get("numbers", []))}


@job_kind(TEST_FAIL, label="会失败的任务")
def fail(job, ctx):
    ctx.progress("校验", 1, 2)
    raise JobFailed("第3行：金额不能为负数")


@job_kind(TEST_CRASH, label="出错的任务")
def crash(job, ctx):
    raise KeyError("boom")


def worker(*args, command: str = "worker") -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _worker_runner(settings, tmp_path):
    settings.JOB_RUNNER = "worker"
    settings.MEDIA_ROOT = tmp_path / "media"
    abandoned.clear()
