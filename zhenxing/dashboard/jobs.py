"""The dashboard's job kinds (zhenxing/jobs): a report asked for on the page 报告, and the
recount of today's figures asked for by the 刷新 button."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from zhenxing.jobs.kinds import job_kind

REPORT = "dashboard.report"
SNAPSHOT = "dashboard.snapshot"


def _reports_url(job) -> str:
    return reverse("dashboard:reports")


@job_kind(REPORT, label="生成报告", result_url=_reports_url)
def report(job, ctx) -> dict:
    from . import reports
    from .models import Report

    p = job.payload
    ctx.progress("汇总数据并生成文件", 0, 1)
    made = reports.report_generate(
        actor=job.requested_by,
        region=job.region,
        kind=p["kind"],
        start=dt.date.fromisoformat(p["start"]),
        end=dt.date.fromisoformat(p["end"]),
    )
    return {"report": made.pk, "name": str(Report.objects.get(pk=made.pk))}


def _board_url(job) -> str:
    return reverse("dashboard:home")


@job_kind(SNAPSHOT, label="刷新指标", result_url=_board_url)
def snapshot(job, ctx) -> dict:
    from . import services

    ctx.progress("计算全部区划的指标", 0, 1)
    rows = services.snapshot_take(actor=job.requested_by, date=dt.date.fromisoformat(job.payload["date"]))
    return {"rows": rows, "date": job.payload["date"]}
