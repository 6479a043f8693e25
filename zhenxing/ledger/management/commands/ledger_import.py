"""``zhenxing ledger-import FILE.xlsx [--year Y] --user NAME``: builds a year's key-task ledger from an
.xlsx in the export layout. Exit codes: 0 imported, 1 the file had errors (nothing imported), 2 unreadable."""

from __future__ import annotations

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from zhenxing.accounts.models import Role, User
from zhenxing.ledger import services, xlsx


class Command(BaseCommand):
    help = "从 .xlsx（与导出格式相同）导入年度重点任务台账"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, help="年度（默认取自标题）")
        parser.add_argument("--user", required=True, help="执行导入的地区管理员账户")

    def handle(self, *args, **opts):
        actor = User.objects.filter(username=opts["user"], role=Role.PREFECTURE_ADMIN, is_active=True).first()
        if actor is None:
            self.stderr.write("账户不存在或不是地区管理员")
            sys.exit(2)
        try:
            with open(opts["file"], "rb") as f:
                rows = xlsx.read_rows(f.read())
        except Exception as exc:  # any unreadable file: exit 2 with the reason, never a traceback
            self.stderr.write(f"文件无法读取：{exc}")
            sys.exit(2)
        parsed = xlsx.parse_ledger(rows, year=opts["year"])
        if parsed.data is None:
            for e in parsed.errors:
                self.stderr.write(str(e))
            sys.exit(1)
        try:
            ledger = services.ledger_build(actor=actor, data=parsed.data)
        except ValidationError as exc:
            for m in exc.messages:
                self.stderr.write(m)
            sys.exit(1)
        self.stdout.write(
            f"已导入{ledger.year}年度台账：任务 {len(parsed.data['tasks'])} 项，"
            f"推进机制 {len(parsed.data['mechanisms'])} 项"
        )
