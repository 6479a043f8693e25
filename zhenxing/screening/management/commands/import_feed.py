"""``zhenxing import-feed SOURCE FILE [--dry-run]``: exit 0 all imported, 1 the file had errors, 2 unreadable."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from zhenxing.screening import feed_specs, feeds, services


class Command(BaseCommand):
    help = "导入行业部门数据文件（.csv UTF-8/GBK 或 .xlsx）：" + "、".join(
        f"{k}（{s.title}）" for k, s in feed_specs.SPECS.items()
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=sorted(feed_specs.SPECS))
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, source, file, dry_run, **options):
        try:
            result, record = services.feed_import(actor=None, source=source, path=Path(file), dry_run=dry_run)
        except feeds.FeedUnreadable as exc:
            self.stderr.write(f"无法读取文件：{exc}")
            sys.exit(2)
        except (ValidationError, PermissionDenied) as exc:
            self.stderr.write(str(getattr(exc, "message", exc)))
            sys.exit(2)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            more = result.error_count - len(result.errors)
            if more > 0:
                self.stderr.write(f"……另有 {more} 处错误未列出")
            self.stderr.write(f"文件有 {result.error_count} 处错误，未导入任何记录。")
            sys.exit(1)
        verb = "校验通过（未写入）" if dry_run else "导入完成"
        self.stdout.write(
            f"{feed_specs.SPECS[source].title}：{verb}。文件 {result.rows} 行；新增 {result.new}，更新 {result.changed}，"
            f"重复（已有相同记录）{result.duplicates}；未匹配到户籍成员 {result.unmatched}；"
            f"用时 {result.seconds:.1f} 秒"
        )
