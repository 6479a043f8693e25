"""zhenxing restore FILE [--force]: restore a backup written by ``zhenxing backup`` (core/backup.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from zhenxing.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "把备份文件恢复到空的数据库和空的上传文件目录；先逐项核对校验值，任何不符都不作修改。"
        "目标不是空的时拒绝，除非加 --force（覆盖现有数据）。恢复前请先停止网页服务和筛查进程。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="zhenxing backup 写出的备份文件")
        parser.add_argument("--force", action="store_true", help="目标数据库或上传文件目录不是空的时，删除并覆盖")

    def handle(self, *args, **opts):
        try:
            result = backup_restore(archive=Path(opts["file"]), force=opts["force"])
        except BackupError as exc:
            self.stderr.write(f"恢复失败：{exc}")
            sys.exit(1)
        m = result.manifest
        self.stdout.write(
            f"已恢复 {m.get('created_at')} 的备份（程序版本 {m.get('app_version')}，{m.get('media_files')} 个上传文件）"
        )
        for note in result.notes:
            self.stdout.write(note)
        for warning in result.warnings:
            self.stderr.write(f"警告：{warning}")
