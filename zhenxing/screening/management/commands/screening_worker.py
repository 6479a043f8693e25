"""``zhenxing screening-worker [--once] [--interval SECONDS]``: the former name of
``zhenxing worker``, kept so existing systemd units and cron lines go on working. It runs the
same loop over every job kind (screening runs included)."""

from __future__ import annotations

from zhenxing.jobs.management.commands.worker import Command as WorkerCommand


class Command(WorkerCommand):
    help = "zhenxing worker 的旧名称：执行排队中的全部后台任务（含筛查运行与政策模拟）"
