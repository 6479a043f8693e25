"""zhenxing backup --out FILE: the database and the uploaded files in one file (core/backup.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from zhenxing.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "把数据库和上传文件（证明材料、扫描件、生成的报告）写入一个备份文件（tar，权限 600），"
        "附清单：格式与程序版本、数据库迁移状态、时间、各部分的 SHA-256 校验值、身份证号密钥的指纹（不含密钥）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", required=True, help="备份文件路径，例如 /var/backups/zhenxing/zhenxing-2024-05-01.tar"
        )

    def handle(self, *args, **opts):
        try:
            result = backup_write(out=Path(opts["out"]))
        except BackupError as exc:
            self.stderr.write(f"备份失败：{exc}")
            sys.exit(1)
        self.stdout.write(
            f"已写入备份 {result.path}（{result.size / 1024 / 1024:.1f} MB，数据库 + {result.media_files} 个上传文件）"
        )
