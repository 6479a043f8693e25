"""Screening's job kinds (zhenxing/jobs): runs and simulations, and department files uploaded
from the page 部门数据."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from zhenxing.jobs.kinds import JobFailed, housekeeping, job_kind
from zhenxing.jobs.services import stale_after, temporary_folder

RUN = "screening.run"
FEED_IMPORT = "screening.feed_import"


def _run_url(job) -> str:
    return reverse("screening:run", args=[job.payload["run"]])


def _run_abandoned(job) -> None:
    from . import services

    services.run_abandon(run_id=job.payload["run"], job_heartbeat=job.heartbeat_at, worker=job.worker)


@job_kind(RUN, label="筛查运行", result_url=_run_url, on_abandon=_run_abandoned, runner_setting="SCREENING_RUNNER")
def screening_run(job, ctx) -> dict:
    from . import services
    from .models import Run

    run_id = job.payload["run"]
    if not services.run_claim(run_id, worker=job.worker):
        raise JobFailed(f"运行 #{run_id} 已不在排队中")
    services.run_execute(
        run_id, threads=job.payload.get("threads"), report=ctx.progress, engine=job.payload.get("engine")
    )
    run = Run.objects.get(pk=run_id)
    return {"run": run.pk, "status": run.status}


def _feeds_url(job) -> str:
    return reverse("screening:feeds")


@job_kind(FEED_IMPORT, label="导入部门数据", result_url=_feeds_url)
def feed_import(job, ctx) -> dict:
    from . import feeds, services

    p = job.payload
    ctx.progress("校验并导入", 0, 1)
    with temporary_folder() as tmp:
        path = ctx.upload_path(tmp, suffix=p.get("suffix", ".csv"))
        try:
            result, record = services.feed_import(
                actor=job.requested_by,
                source=p["source"],
                path=path,
                file_name=p.get("file_name", ""),
                dry_run=bool(p.get("dry_run")),
            )
        except feeds.FeedUnreadable as exc:
            raise JobFailed(f"无法读取文件：{exc}") from None
    out = {
        "ok": result.ok,
        "rows": result.rows,
        "new": result.new,
        "changed": result.changed,
        "duplicates": result.duplicates,
        "unmatched": result.unmatched,
        "errors": [str(e) for e in result.errors[:200]],
        "error_count": result.error_count,
        "dry_run": bool(p.get("dry_run")),
        "feed": record.pk if record else None,
    }
    return out


PARQUET = re.compile(r"^\d{8}-[0-9a-f]{12}\.parquet$")  # feeds.import_file's names


@housekeeping
def feed_orphans(*, now) -> list[Path]:
    """Parquet files in the feed store that no ``FeedFile`` names: an import killed after writing
    its file and before its transaction committed. A file written in the last two heartbeat
    intervals may belong to an import about to commit and is left for the next start. Compared by
    source and file name, so a store restored under another MEDIA_ROOT is not taken for orphans."""
    from . import feeds
    from .models import FeedFile

    store = feeds.store_dir()
    cutoff = (now - stale_after()).timestamp()
    candidates = [
        p for p in store.glob("*/*.parquet") if PARQUET.match(p.name) and p.is_file() and p.stat().st_mtime < cutoff
    ]
    if not candidates:
        return []
    known = {
        (Path(path).parent.name, Path(path).name)
        for path in FeedFile.objects.exclude(path="").values_list("path", flat=True)
    }
    removed = []
    for path in candidates:
        if (path.parent.name, path.name) not in known:
            path.unlink(missing_ok=True)
            removed.append(path)
    return sorted(removed)
