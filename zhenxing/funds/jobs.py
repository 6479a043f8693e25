"""The funds app's job kind (zhenxing/jobs): a projects, allocations, payments or assets file sent
to ``POST /api/v1/funds/imports/{kind}`` is read, checked and (unless a dry run) imported by the
queue, never inside the request; the API waits for it a bounded time (``zhenxing.jobs.api``)."""

from __future__ import annotations

from zhenxing.jobs.kinds import JobFailed, job_kind

IMPORT = "funds.import"


def unreadable_report(message: str) -> dict:
    """The report of a file that could not be read at all (as ``--json`` of the commands prints it)."""
    return {
        "committed": False,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": [{"row": 0, "column": "", "message": message}],
    }


@job_kind(IMPORT, label="导入资金项目数据")
def funds_import(job, ctx) -> dict:
    from zhenxing.lib.mapping import MappingError
    from zhenxing.mappings.selectors import mapping_for_job

    from .imports import IMPORTERS, UnreadableFile, run_import

    p = job.payload
    kind = p.get("kind", "")
    if kind not in IMPORTERS:
        raise JobFailed(f"未知的导入类型：{kind}")
    ctx.progress("读取并校验文件", 0, 1)
    data = ctx.upload_bytes()
    try:
        _, mapping = mapping_for_job(job, kind=f"funds.{kind}", data=data)
        result = run_import(
            kind, data, actor=job.requested_by, dry_run=bool(p.get("dry_run")), filename=p["filename"], mapping=mapping
        )
    except (UnreadableFile, MappingError) as exc:  # nothing was written: the API answers 422
        return {"report": unreadable_report(str(exc)), "unreadable": str(exc)}
    ctx.progress("完成", 1, 1)
    return {"report": result.as_dict()}
