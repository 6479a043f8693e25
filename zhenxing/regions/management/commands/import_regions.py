from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhenxing.lib import tabular
from zhenxing.regions.services import RegionImportError, regions_import


class Command(BaseCommand):
    help = "导入区划 CSV（列：code,name,level,parent_code[,aliases,is_sample]），原子执行、可重复导入。"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}", returncode=2) from None
        try:
            r = regions_import(text=tabular.decode_text(raw))
        except tabular.Unreadable as exc:
            raise CommandError(str(exc), returncode=2) from None
        except RegionImportError as exc:
            for e in exc.errors:
                self.stderr.write(f"第{e['row']}行 {e['column']}：{e['message']}")
            raise CommandError("导入失败，数据未作任何修改", returncode=1) from None
        self.stdout.write(f"导入完成：新增 {r.created}，更新 {r.updated}，未变 {r.unchanged}")
