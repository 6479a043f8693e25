"""``zhenxing screening-worker [--once] [--interval SECONDS]``: carry out the screening runs and
policy simulations queued from the page 筛查运行.

Run it under systemd (it keeps polling) or from cron with ``--once`` (it empties the queue and
exits); see docs/operations.md. Several workers may run side by side: each run is claimed by one.
Runs 运行中 whose heartbeat stopped (a restart, a killed process) are marked 失败 on each pass.
"""
from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhenxing.screening import services


class Command(BaseCommand):
    help = "执行页面上发起、排队中的筛查运行和政策模拟（--once：处理完当前队列后退出，供 cron 使用）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="处理完当前排队的运行后退出")
        parser.add_argument("--interval", type=float, default=5.0, help="队列为空时的轮询间隔（秒，默认 5）")

    def handle(self, *args, **o):
        if o["interval"] <= 0:
            raise CommandError("--interval 须大于 0")
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            # systemd stops with SIGTERM: finish the run at hand, take no new one.
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())

        def log(message: str) -> None:
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {message}")
            self.stdout.flush()

        done = services.runs_work(once=o["once"], interval=o["interval"], stop=stop, log=log)
        if o["once"]:
            log(f"队列已处理完毕，本次执行 {done} 个运行")
