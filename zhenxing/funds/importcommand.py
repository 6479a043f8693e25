"""The shared shape of ``zhenxing import-projects|import-allocations|import-payments|import-assets``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand

from zhenxing.accounts.models import User
from zhenxing.lib.mapping import MappingError
from zhenxing.lib.xlsx import workbook_bytes
from zhenxing.mappings.cli import add_mapping_argument, mapping_option

from .imports import IMPORTERS, UnreadableFile, run_import


class ImportCommand(BaseCommand):
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx / .xls / .csv")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 结果")
        parser.add_argument("--user", help="以该账户的身份和数据权限导入（缺省为系统导入）")
        parser.add_argument("--report", help="把错误清单写成 .xlsx")
        add_mapping_argument(parser)

    def handle(self, *args, **opts):
        imp = IMPORTERS[self.kind]
        actor = None
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                self.stderr.write(f"账户不存在：{opts['user']}")
                sys.exit(2)
        try:
            mapping = mapping_option(opts, actor=actor, kind=f"funds.{self.kind}")
            data = Path(opts["file"]).read_bytes()
            result = run_import(
                self.kind, data, actor=actor, dry_run=opts["dry_run"], filename=opts["file"], mapping=mapping
            )
        except (OSError, UnreadableFile, MappingError) as exc:
            self.stderr.write(f"无法读取文件：{exc}")
            if opts["json"]:
                self.stdout.write(
                    json.dumps(
                        {
                            "committed": False,
                            "created": 0,
                            "updated": 0,
                            "unchanged": 0,
                            "errors": [{"row": 0, "column": "", "message": str(exc)}],
                        },
                        ensure_ascii=False,
                    )
                )
            sys.exit(2)
        except PermissionDenied as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        for e in result.errors[:200]:
            self.stdout.write(f"第{e['row']}行 {e['column']}：{e['message']}")
        state = "已提交" if result.committed else ("仅检查，未写入" if not result.errors else "有错误，未写入任何数据")
        self.stdout.write(
            f"{imp.label}导入：{state}；新增 {result.created}，更新 {result.updated}，"
            f"未变 {result.unchanged}，错误 {len(result.errors)}"
        )
        if result.leakage is not None:
            self.stdout.write(f"跑冒滴漏检查：疑点 {result.leakage['found']} 条，新增 {result.leakage['new']} 条")
        if opts["report"] and result.errors:
            Path(opts["report"]).write_bytes(
                workbook_bytes(
                    title=f"{imp.label}导入错误清单",
                    columns=["行", "列", "问题"],
                    rows=[[e["row"], e["column"], e["message"]] for e in result.errors],
                )
            )
        if opts["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, default=str))
        if result.errors:
            sys.exit(1)
