from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhenxing.dashboard.services import snapshot_take


class Command(BaseCommand):
    help = "计算全部指标在每个区划节点的数值并保存为当日快照（每晚定时运行；重复运行会替换当日快照）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="快照日期 YYYY-MM-DD（默认今天；按记录自身日期尽可能还原当日数值）")

    def handle(self, *args, **opts):
        try:
            date = dt.date.fromisoformat(opts["date"]) if opts["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD") from None
        if date > timezone.localdate():
            raise CommandError("不能为未来日期生成快照")
        rows = snapshot_take(actor=None, date=date)
        self.stdout.write(f"指标快照 {date.isoformat()}：{rows} 项")
