from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Seconds a request may take (a county's household import, a yearly report); nginx's
# proxy_read_timeout in deploy/nginx-zhenxing.conf is the same.
GUNICORN_TIMEOUT = 600
# Threads per worker (gunicorn's gthread workers): a page waiting on the database or a long
# request (an upload, a report) holds one thread, not a whole worker; chosen from bench/load.py
# (docs/benchmarks.md). 1 means gunicorn's plain sync workers.
DEFAULT_THREADS = 4
# Seconds an idle browser connection is kept open (gthread; idle connections hold no thread): longer
# than a person's pause between two pages, so a browser does not reuse a connection the server is
# just closing (the load test saw one such reset at gunicorn's default of 2 s).
KEEP_ALIVE = 30


def _housekeeping() -> None:
    """What a killed server left (the demo runs jobs in its threads): cleaned before serving."""
    from django.db import DatabaseError, connection

    from zhenxing.jobs.services import jobs_housekeeping

    try:
        jobs_housekeeping()
    except DatabaseError:  # not migrated yet: nothing to clean
        pass
    finally:
        connection.close()


class Command(BaseCommand):
    help = "用 gunicorn（WSGI 服务器）启动网页服务。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", str(DEFAULT_THREADS))),
            help=f"每个工作进程的线程数（gthread，默认 {DEFAULT_THREADS}；1 为单线程同步进程）",
        )

    def handle(self, *args, **opts):
        if opts["workers"] < 1 or opts["threads"] < 1:
            raise CommandError("--workers 与 --threads 须大于 0")
        _housekeeping()
        bind = f"{opts['host']}:{opts['port']}"
        self.stdout.write(f"振兴系统已启动：http://{bind}/  （按 Ctrl+C 停止）")
        self.stdout.flush()
        env = dict(
            os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        )
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "zhenxing.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(opts["workers"]),
            *(
                ["--worker-class", "gthread", "--threads", str(opts["threads"]), "--keep-alive", str(KEEP_ALIVE)]
                if opts["threads"] > 1
                else []
            ),
            "--timeout",
            str(GUNICORN_TIMEOUT),
            "--access-logfile",
            "-",
            # the access log masks citizen ID numbers in paths, query strings and referers
            "--logger-class",
            "zhenxing.lib.logmask.MaskingGunicornLogger",
        ]
        os.execve(sys.executable, argv, env)
