"""zhenxing rotate-id-key [--batch N] [--check]: re-encrypt every member's ID number under the newest key."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from zhenxing.audit import services as audit
from zhenxing.lib.progress import Progress
from zhenxing.registry.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "把所有家庭成员的身份证号密文用最新密钥（ID_ENCRYPTION_KEYS 的第一个）重新加密；分批提交，可中断后重跑。"
        "--check 只检查还有多少条未使用最新密钥（有则退出码 1）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="每批条数（默认 5000）")
        parser.add_argument("--check", action="store_true", help="只检查，不修改")

    def handle(self, *args, **opts):
        from zhenxing.registry.models import Member

        total = Member.objects.count()
        with Progress(total, "重新加密身份证号", self.stderr._out, quiet=opts["check"]) as bar:
            rotated, current = rotate_all(batch=opts["batch"], dry_run=opts["check"], progress=bar.advance)
        if opts["check"]:
            self.stdout.write(f"共 {total} 条：已使用最新密钥 {current} 条，待重新加密 {rotated} 条")
            if rotated:
                sys.exit(1)
            return
        audit.event_log(
            action="update", extra={"what": "rotate-id-key", "rotated": rotated, "already_current": current}
        )
        self.stdout.write(f"已重新加密 {rotated} 条，{current} 条原已使用最新密钥")
