"""Screening writes: rule-set versions, feed imports, runs (alerts written set-based), alert transitions."""

from __future__ import annotations

import datetime as dt
import json
import time
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from zhenxing.accounts import scope
from zhenxing.accounts.models import Role
from zhenxing.audit.context import acting
from zhenxing.audit.services import event_log
from zhenxing.regions.models import Level, Region

from . import feed_specs, feeds, rules, snapshot, workflow
from .models import SOURCE_DEPARTMENT, FeedFile, RuleSet, Run, RunKind, RunStatus

ADMIN_ROLES = {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}
# Who may write what (scope.require_write; a call without an actor is a system job).
WRITE_RULES = scope.write_rules(
    {
        "screening.ruleset.update": scope.WriteRule(
            roles=frozenset(ADMIN_ROLES), refusal="只有地区管理员可以修改筛查规则参数"
        ),
        "screening.run.request": scope.WriteRule(
            roles=frozenset(ADMIN_ROLES), refusal="只有地区管理员可以发起筛查或政策模拟"
        ),
        "screening.alert.bulk_issue": scope.WriteRule(
            roles=frozenset(workflow.OFFICE), refusal="只有乡镇及以上工作人员可以批量下发预警"
        ),
        # Which source a department account may send is ``may_upload``'s (its own department's).
        "screening.feed.upload": scope.WriteRule(
            roles=frozenset(ADMIN_ROLES | {Role.DEPARTMENT_STAFF}), refusal="您的角色不能上传部门数据"
        ),
    }
)

# Who may open a page (scope.page_rules): the views, the menu and the templates ask these.
PAGE_RULES = scope.page_rules(
    {
        "screening.alerts": None,
        # every level reads which department files came in (the dashboard's unmatched-records
        # figure links here); the menu lists it for those who send them
        "screening.feeds": scope.PageRule(menu=frozenset(ADMIN_ROLES | {Role.DEPARTMENT_STAFF})),
        "screening.runs": ADMIN_ROLES | {Role.INSPECTOR},
        "screening.rules": ADMIN_ROLES | {Role.INSPECTOR},
    }
)


def top_region() -> Region:
    return (
        Region.objects.filter(level=Level.PREFECTURE).order_by("code").first()
        or Region.objects.order_by("depth", "code").first()
    )


# ---------------------------------------------------------------- rule sets


def ruleset_current(year: int) -> RuleSet:
    """The latest version of the year's rule set (version 1 = the defaults, created on first use:
    the income threshold and reference income from monitoring's standard for the year, see
    ``rules.default_params``; the rule set records the values it used)."""
    found = RuleSet.objects.filter(year=year).order_by("-version").first()
    if found is not None:
        return found
    with transaction.atomic():
        return RuleSet.objects.create(
            region=top_region(), year=year, version=1, rules=rules.default_rules(year), note="默认规则"
        )


def ruleset_update(
    *, actor, year: int, changes: dict[str, object], enabled: dict[str, bool] | None = None, note: str = ""
) -> RuleSet:
    """A new version with changed parameters (``RULE.NAME`` → value); the old version stays as it was."""
    scope.require_write(actor, None, "screening.ruleset.update")
    current = ruleset_current(year)
    data = json.loads(json.dumps(current.rules))
    for dotted, value in changes.items():
        code, _, name = dotted.partition(".")
        if code not in data or name not in rules.RULES[code].params:
            raise ValidationError(f"未知参数 {dotted}")
        data[code]["params"][name] = rules.to_number(value, dotted)
    for code, on in (enabled or {}).items():
        if code in data:
            data[code]["enabled"] = bool(on)
    if data == current.rules:
        return current
    with transaction.atomic(), acting(actor):
        return RuleSet.objects.create(
            region=current.region, year=year, version=current.version + 1, rules=data, note=note, created_by=actor
        )


# ---------------------------------------------------------------- feeds


def may_upload(user, source: str) -> bool:
    """The upload rule (``screening.feed.upload``), and a department account only its own sources."""
    if user is None:
        return True
    if not scope.can_write(user, None, "screening.feed.upload"):
        return False
    return user.role != Role.DEPARTMENT_STAFF or SOURCE_DEPARTMENT.get(source) == user.department


def sources_for(user) -> list[str]:
    return [s for s in feed_specs.SPECS if may_upload(user, s)]


def _registry_keys(source: str):
    return snapshot.village_codes if source == "water" else snapshot.member_hashes


def feed_import(
    *, actor, source: str, path: Path, file_name: str = "", dry_run: bool = False
) -> tuple[feeds.ImportResult, FeedFile | None]:
    """Validate and store one department file, atomically: either every row or none."""
    if source not in feed_specs.SPECS:
        raise ValidationError(f"未知数据来源 {source}（可用：{', '.join(feed_specs.SPECS)}）")
    if not may_upload(actor, source):
        raise PermissionDenied("只能上传本部门的数据")
    region = actor.region if actor is not None and actor.region_id else top_region()
    file_name = file_name or Path(path).name
    if dry_run:
        return feeds.import_file(source=source, path=path, registry_hashes=_registry_keys(source), dry_run=True), None
    result = None
    try:
        with transaction.atomic(), acting(actor):
            record = FeedFile.objects.create(
                source=source,
                department=SOURCE_DEPARTMENT[source],
                region=region,
                file_name=file_name[:255],
                path="",
                sha256="",
                imported_by=actor,
            )
            result = feeds.import_file(
                source=source, path=path, registry_hashes=_registry_keys(source), file_id=record.pk
            )
            if not result.ok:
                transaction.set_rollback(True)
                return result, None
            FeedFile.objects.filter(pk=record.pk).update(
                path=str(result.parquet or ""),
                sha256=result.sha256,
                rows=result.rows,
                new_records=result.new,
                changed_records=result.changed,
                duplicate_records=result.duplicates,
                unmatched=result.unmatched,
                seconds=result.seconds,
            )
            record.refresh_from_db()
            event_log(
                action="import",
                actor=actor,
                obj=record,
                extra={
                    "source": source,
                    "file": file_name,
                    "rows": result.rows,
                    "new": result.new,
                    "changed": result.changed,
                    "duplicates": result.duplicates,
                    "unmatched": result.unmatched,
                },
            )
            return result, record
    except BaseException:
        if result is not None:
            feeds.remove_quietly(result.parquet)
        raise


# ---------------------------------------------------------------- runs


def simulate(*, as_of: dt.date, threshold) -> dict:
    """Households per county under ``threshold`` (per-capita net income of the income year), how many
    of them are not monitored, and monitored households not under it. Read-only, one set-based query."""
    started = time.monotonic()
    x = Decimal(str(threshold))
    income_year = as_of.year - 1
    sql = """SELECT substr(v.code, 1, 6) AS county,
                 SUM(CASE WHEN n.net < %s * h.living_members THEN 1 ELSE 0 END),
                 SUM(CASE WHEN n.net < %s * h.living_members AND h.monitoring_status <> 'monitored' THEN 1 ELSE 0 END),
                 SUM(CASE WHEN n.net >= %s * h.living_members AND h.monitoring_status = 'monitored' THEN 1 ELSE 0 END),
                 COUNT(*)
             FROM registry_household h JOIN regions_region v ON v.id = h.village_id
             JOIN (SELECT household_id, COALESCE(verified_net_income, wage_income + business_income
                          + property_income + transfer_income - business_cost) AS net
                   FROM registry_householdincome WHERE year = %s) n
               ON n.household_id = h.id
             WHERE h.living_members > 0 GROUP BY substr(v.code, 1, 6) ORDER BY 1"""
    with connection.cursor() as cur:
        cur.execute(sql, [x, x, x, income_year])
        rows = cur.fetchall()
    names = dict(Region.objects.filter(code__in=[r[0] + "000000" for r in rows]).values_list("code", "name"))
    counties = [
        {
            "county": r[0] + "000000",
            "name": names.get(r[0] + "000000", r[0]),
            "below": int(r[1] or 0),
            "below_not_monitored": int(r[2] or 0),
            "monitored_above": int(r[3] or 0),
            "households": int(r[4]),
        }
        for r in rows
    ]
    total = {k: sum(c[k] for c in counties) for k in ("below", "below_not_monitored", "monitored_above", "households")}
    return {
        "simulated": {
            "threshold": float(x),
            "as_of": as_of.isoformat(),
            "income_year": income_year,
            "counties": counties,
            "total": total,
        },
        "seconds": round(time.monotonic() - started, 3),
    }


def run_request(
    *,
    actor,
    kind: str,
    as_of: dt.date,
    overrides: dict | None = None,
    threshold=None,
    threads: int | None = None,
    start: bool = True,
    engine: dict | None = None,
) -> Run:
    """Queue a run (排队中) and its job on the job queue (kind ``screening.run``); with ``start``
    the job goes to its runner (``SCREENING_RUNNER``: the worker, a thread, or inline)."""
    from zhenxing.jobs.services import job_enqueue, job_start

    from .jobs import RUN

    scope.require_write(actor, None, "screening.run.request")
    if overrides:
        rules.effective_parameters(ruleset_current(as_of.year).rules, overrides)  # validates names and values
    with transaction.atomic(), acting(actor):
        run = Run.objects.create(
            region=actor.region if actor else top_region(),
            kind=kind,
            as_of=as_of,
            overrides=overrides or {},
            threshold=threshold,
            started_by=actor,
        )
        job = job_enqueue(
            actor=actor,
            kind=RUN,
            region=run.region,
            payload={"run": run.pk, "threads": threads, **({"engine": engine} if engine else {})},
            label=f"{run.get_kind_display()}（基准日 {as_of:%Y-%m-%d}）",
            start=False,
        )
    if start:
        job_start(job)
        run.refresh_from_db()
    return run


def run_here(
    *,
    actor,
    as_of: dt.date,
    overrides: dict | None = None,
    threads: int | None = None,
    engine: str = "duckdb",
    master: str = "",
) -> Run:
    """A screening run carried out by this process now (``zhenxing screen``, the demo), as a job of
    the queue like any other: it shows on the pages with its progress and is marked failed if
    this process dies. Raises ``JobFailed`` with the run's error when it fails."""
    from zhenxing.jobs.kinds import JobFailed
    from zhenxing.jobs.models import Job, JobState
    from zhenxing.jobs.services import job_run_now

    from .jobs import RUN

    run = run_request(
        actor=actor,
        kind=RunKind.SCREEN,
        as_of=as_of,
        overrides=overrides,
        threads=threads,
        start=False,
        engine={"engine": engine, "master": master} if engine != "duckdb" else None,
    )
    job = job_run_now(Job.objects.get(kind=RUN, payload__run=run.pk))
    run.refresh_from_db()
    if job.state != JobState.DONE:
        raise JobFailed(run.error or job.error)
    return run


def run_claim(run_id: int, *, worker: str) -> bool:
    """Mark a queued run 运行中 for the job that carries it out (one conditional UPDATE)."""
    now = timezone.now()
    return bool(
        Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, stage=gettext("开始"), progress=1, started_at=now, heartbeat_at=now, worker=worker
        )
    )


RUN_ABANDONED = "运行中断（服务重启或进程退出），请重新发起"


def run_abandon(*, run_id: int, job_heartbeat=None, worker: str = "") -> bool:
    """The run's job lost its process (zhenxing/jobs marked it failed): the run is 失败 too, with
    the reason, so it can be started again."""
    reason = gettext(RUN_ABANDONED)
    run = Run.objects.select_for_update().filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).first()
    if run is None:
        return False
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error=reason, stage=gettext("已中断"), finished_at=timezone.now()
    )
    event_log(
        action="transition",
        actor=None,
        obj=run,
        extra={
            "from": run.status,
            "to": RunStatus.FAILED,
            "reason": reason,
            "heartbeat_at": job_heartbeat or run.heartbeat_at,
            "worker": worker or run.worker,
        },
    )
    return True


def run_execute(run_id: int, *, threads: int | None = None, report=None, engine: dict | None = None) -> None:
    """Carry out a run already claimed (运行中), for its job; ``report(stage, done, total)`` is the
    job's progress."""
    run = Run.objects.select_related("started_by").get(pk=run_id)
    try:
        Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, heartbeat_at=timezone.now())
        if run.kind == RunKind.SIMULATE:
            summary = simulate(as_of=run.as_of, threshold=run.threshold)
            Run.objects.filter(pk=run.pk).update(
                status=RunStatus.DONE, progress=100, stage="完成", summary=summary, finished_at=timezone.now()
            )
        else:
            from .runs import screen  # runs.py reads the rule set through this module

            screen(
                actor=run.started_by,
                as_of=run.as_of,
                overrides=run.overrides,
                run=run,
                threads=threads,
                report=report,
                preview=run.kind == RunKind.PREVIEW,
                **(engine or {}),  # {"engine": "spark", "master": URL} (zhenxing screen --engine spark)
            )
    except Exception as exc:  # noqa: BLE001 - the failure is shown on the run's page
        Run.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
