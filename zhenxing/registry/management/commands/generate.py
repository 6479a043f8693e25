"""zhenxing generate --households N --seed S --out DIR [--feeds]"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhenxing.lib.modules import provided
from zhenxing.registry.generate import generate


class Command(BaseCommand):
    help = "生成全区模拟农户数据 DIR/households.csv（UTF-8，标准模板表头；同一种子结果相同）。"

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, required=True, help="农户数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--out", required=True, help="输出目录")
        parser.add_argument("--feeds", action="store_true", help="同时生成行业部门比对数据（需筛查模块）")

    def handle(self, *args, **opts):
        if opts["households"] < 1:
            raise CommandError("农户数须为正整数")
        out = Path(opts["out"])
        writer = None
        if opts["feeds"]:
            # The screening app provides it (a ``generate`` module with ``write_feeds``, lib/modules.py).
            writers = [m.write_feeds for _, m in provided("generate") if hasattr(m, "write_feeds")]
            if not writers:
                raise CommandError(
                    "本系统未安装筛查模块的数据生成功能，无法生成行业部门比对数据；请去掉 --feeds 或安装筛查模块"
                )
            writer = writers[0]
        start = time.monotonic()
        path = generate(households=opts["households"], seed=opts["seed"], out_dir=out)
        self.stdout.write(f"已生成 {path}（{opts['households']} 户），用时 {time.monotonic() - start:.1f} 秒")
        if writer is not None:
            writer(out_dir=out, households_csv=path, seed=opts["seed"])
            self.stdout.write(f"已生成行业部门比对数据：{out}")
