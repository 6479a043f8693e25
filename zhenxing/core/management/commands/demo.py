from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from zhenxing.lib.modules import provided


class Command(BaseCommand):
    help = "迁移数据库、载入演示数据（可重复执行，不会重复插入），并启动网页服务。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只载入演示数据，不启动服务")
        parser.add_argument(
            "--accounts", action="store_true", help="列出演示账户（用户名、密码、角色、区划，制表符分隔）"
        )
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **opts):
        if opts["accounts"]:
            call_command("migrate", verbosity=0, interactive=False)
            from zhenxing.accounts.demo import account_lines
            from zhenxing.regions.services import regions_load_builtin

            regions_load_builtin()
            for line in account_lines():
                self.stdout.write(line)
            return
        call_command("migrate", verbosity=0, interactive=False)
        demo_load(out=self.stdout)
        if not opts["no_serve"]:
            from zhenxing.accounts.demo import account_lines

            self.stdout.write("演示账户（用户名、密码、角色、区划）：")
            for line in account_lines():
                self.stdout.write("  " + line)
            call_command("serve", host=opts["host"], port=opts["port"])


def demo_load(*, out) -> None:
    """Every app's demo loader, in settings.DOMAIN_APPS order. Each is idempotent."""
    from zhenxing.audit.context import bulk_logged

    # Demo records are written set-based by the loaders and are not user changes.
    with bulk_logged():
        for _app, module in provided("demo"):
            module.load(out=out)
