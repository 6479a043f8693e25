"""zhenxing import-households FILE [--dry-run] [--only-valid] [--report FILE.xlsx] [--json] [--user NAME]
[--mapping NAME|FILE.json]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhenxing.lib.mapping import MappingError
from zhenxing.lib.progress import Progress
from zhenxing.mappings.cli import add_mapping_argument, mapping_option
from zhenxing.registry.imports import Unreadable, report_xlsx, run_import


class Command(BaseCommand):
    help = (
        "按标准模板导入农户与家庭成员（.xlsx/.xls/.csv）。有任何错误时不修改数据库（除非 --only-valid）；"
        "重复导入同一文件不产生变化。退出码：0 全部导入，1 文件有错误，2 文件无法读取。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="导入文件（.xlsx、.xls 或 .csv；CSV 可为 UTF-8、UTF-8 BOM 或 GBK/GB18030）")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告将发生的变化，不写入数据库")
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="只导入没有错误的农户：有错误的农户整户跳过，其余农户照常导入（退出码仍为 1）",
        )
        parser.add_argument("--report", metavar="FILE.xlsx", help="把导入结果和错误清单写入 .xlsx 文件")
        parser.add_argument(
            "--json", action="store_true", help="最后一行输出一个 JSON 对象：committed、households、members、errors"
        )
        parser.add_argument("--user", help="以该账户的身份导入（受其数据权限限制；默认不限）")
        add_mapping_argument(parser)

    def handle(self, *args, **opts):
        actor = None
        if opts["user"]:
            from zhenxing.accounts.models import User

            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                raise CommandError(f"找不到用户 {opts['user']}")
        try:
            mapping = mapping_option(opts, actor=actor, kind="households")
        except MappingError as exc:
            return self._unreadable(opts, str(exc))
        path = Path(opts["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            return self._unreadable(opts, f"无法读取文件 {path}：{exc.strerror or exc}")
        bar = None

        def progress(stage, done, total):
            nonlocal bar
            if opts["json"] or self.stderr._out is not sys.stderr:
                return
            if bar is None or bar.label != stage:
                bar = Progress(total, stage, self.stderr._out)
            bar.done = 0
            bar.advance(done)

        try:
            report = run_import(
                data,
                filename=path.name,
                actor=actor,
                dry_run=opts["dry_run"],
                only_valid=opts["only_valid"],
                progress=progress,
                mapping=mapping,
            )
        except Unreadable as exc:
            return self._unreadable(opts, str(exc))
        if opts["report"]:
            report_xlsx(report, opts["report"])
        result = report.as_json()
        if not opts["json"]:
            h, m = result["households"], result["members"]
            state = (
                "已导入"
                if report.committed
                else ("校验完成（未写入）" if opts["dry_run"] else "未导入，数据库未作任何修改")
            )
            self.stdout.write(
                f"{state}：农户 新增 {h['created']}、修改 {h['updated']}、未变 {h['unchanged']}；"
                f"成员 新增 {m['created']}、修改 {m['updated']}、未变 {m['unchanged']}"
            )
            for e in result["errors"]:
                self.stdout.write(f"第{e['row']}行 [{e['column']}] {e['message']}")
        else:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        if result["errors"]:
            sys.exit(1)

    def _unreadable(self, opts, message):
        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "committed": False,
                        "households": {"created": 0, "updated": 0, "unchanged": 0},
                        "members": {"created": 0, "updated": 0, "unchanged": 0},
                        "errors": [{"row": None, "column": "", "message": message}],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            self.stderr.write(message)
        sys.exit(2)
