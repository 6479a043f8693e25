"""``zhenxing ledger-remind``: daily in-app reminders for tasks and rectification items due within
5 working days (the one calendar service, 调休 and holidays counted) or overdue (each reminder once per item and state). Run it daily from cron or a systemd timer."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from zhenxing.ledger.services import reminders_send


class Command(BaseCommand):
    help = "发送重点任务和整改事项的到期、逾期提醒（站内通知，每项每种状态只提醒一次）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按此日期计算（YYYY-MM-DD），默认今天")

    def handle(self, *args, **opts):
        as_of = None
        if opts["date"]:
            try:
                as_of = dt.date.fromisoformat(opts["date"])
            except ValueError:
                raise CommandError("日期格式应为 YYYY-MM-DD") from None
        n = reminders_send(as_of=as_of)
        self.stdout.write(f"已发送提醒 {n} 条")
