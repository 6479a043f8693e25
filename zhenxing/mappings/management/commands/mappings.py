"""zhenxing mappings list [--kind K] | export NAME --kind K [--out FILE.json] | import FILE.json --kind K --name NAME [--user U]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand

from zhenxing.accounts.models import User
from zhenxing.lib.mapping import MappingError, mapping_load

from ...kinds import import_kinds
from ...selectors import builtin_mappings, mapping_resolve, mappings_latest
from ...services import mapping_save


class Command(BaseCommand):
    help = "导入列映射：list 列出已保存和内置的映射；export 导出为 JSON；import 从 JSON 文件保存（同名则新增一版）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出映射")
        listing.add_argument("--kind", help="只列出该导入类型的映射")
        listing.add_argument("--user", help="按该账户可见的范围列出")
        export = sub.add_parser("export", help="把映射导出为 JSON")
        export.add_argument("name", help="映射名称")
        export.add_argument("--kind", required=True, help="导入类型，如 households")
        export.add_argument("--out", help="写入的文件（缺省输出到屏幕）")
        export.add_argument("--user", help="按该账户可见的范围查找")
        load = sub.add_parser("import", help="从 JSON 文件保存映射")
        load.add_argument("file", help="映射 JSON 文件")
        load.add_argument("--kind", required=True, help="导入类型，如 households")
        load.add_argument("--name", required=True, help="保存的名称")
        load.add_argument("--user", help="以该账户的身份保存（映射归其所在区划）；缺省为全系统映射")

    def handle(self, *args, **opts):
        actor = None
        if opts.get("user"):
            actor = User.objects.filter(username=opts["user"], is_active=True).first()
            if actor is None:
                self.stderr.write(f"账户不存在：{opts['user']}")
                sys.exit(2)
        try:
            getattr(self, f"_{opts['action']}")(opts, actor)
        except (MappingError, PermissionDenied) as exc:
            self.stderr.write(str(exc))
            sys.exit(2)

    def _list(self, opts, actor):
        kinds = import_kinds()
        if opts.get("kind") and opts["kind"] not in kinds:
            raise MappingError(f"没有“{opts['kind']}”这种导入类型；可用：{'、'.join(kinds)}")
        for m in mappings_latest(actor, kind=opts.get("kind")):
            owner = m.region.name if m.region else "全系统"
            label = kinds[m.kind].label if m.kind in kinds else m.kind
            self.stdout.write(f"{m.kind}\t{label}\t{m.name}\t第{m.version}版\t{owner}")
        for kind, name, _ in builtin_mappings(opts.get("kind")):
            self.stdout.write(f"{kind}\t{kinds[kind].label if kind in kinds else kind}\t{name}\t内置\t全系统")

    def _export(self, opts, actor):
        mapping = mapping_resolve(actor, kind=opts["kind"], ref=opts["name"])
        text = json.dumps(mapping.as_json(), ensure_ascii=False, indent=2) + "\n"
        if opts.get("out"):
            Path(opts["out"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"已导出映射“{opts['name']}”到 {opts['out']}")
        else:
            self.stdout.write(text, ending="")

    def _import(self, opts, actor):
        mapping = mapping_load(opts["file"])
        saved = mapping_save(actor=actor, kind=opts["kind"], name=opts["name"], definition=mapping.as_json())
        owner = saved.region.name if saved.region else "全系统"
        self.stdout.write(f"已保存映射“{saved.name}”第{saved.version}版（{owner}）")
