"""``zhenxing worker [--once] [--interval SECONDS]``: carry out the queued background jobs of
every kind (household and feed imports, screening runs and simulations, reports, snapshot
refreshes).

Run it under systemd (it keeps polling) or from cron with ``--once`` (it empties the queue and
exits); see docs/operations.md. Several workers may run side by side: each job is claimed by one.
Jobs 运行中 whose heartbeat stopped for two heartbeat intervals are marked failed at start and on
each pass. ``zhenxing screening-worker`` is the same command under its former name.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhenxing.jobs import services


class Command(BaseCommand):
    help = (
        "执行页面上发起、排队中的后台任务（导入、筛查运行、报告、指标刷新；--once：处理完当前队列后退出，供 cron 使用）"
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="处理完当前排队的任务后退出")
        parser.add_argument("--interval", type=float, default=5.0, help="队列为空时的轮询间隔（秒，默认 5）")

    def handle(self, *args, **o):
        if o["interval"] <= 0:
            raise CommandError("--interval 须大于 0")
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            # systemd stops with SIGTERM: finish the job at hand, take no new one.
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())

        def log(message: str) -> None:
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {message}")
            self.stdout.flush()

        done = services.jobs_work(once=o["once"], interval=o["interval"], stop=stop, log=log)
        if o["once"]:
            log(f"队列已处理完毕，本次执行 {done} 个任务")
