from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

# Seconds a request may take (a county's household import, a yearly report); nginx's
# proxy_read_timeout in deploy/nginx-zhenxing.conf is the same.
GUNICORN_TIMEOUT = 600


class Command(BaseCommand):
    help = "用 gunicorn（WSGI 服务器）启动网页服务。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args, **opts):
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
            "--timeout",
            str(GUNICORN_TIMEOUT),
            "--access-logfile",
            "-",
            # the access log masks citizen ID numbers in paths, query strings and referers
            "--logger-class",
            "zhenxing.lib.logmask.MaskingGunicornLogger",
        ]
        os.execve(sys.executable, argv, env)
