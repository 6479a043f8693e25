"""``zhenxing screen --as-of DATE [--param RULE.NAME=VALUE ...] [--json]`` and
``zhenxing screen --as-of DATE --simulate --threshold X [--json]``."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from zhenxing.jobs.kinds import JobFailed
from zhenxing.screening import rules, services


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”无效，应为 YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "运行部门筛查规则并写入预警；或 --simulate 做监测标准政策模拟（不写入）"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="筛查基准日 YYYY-MM-DD")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="RULE.NAME=VALUE",
            help="本次运行覆盖规则参数，如 income.threshold=6500（可重复）",
        )
        parser.add_argument("--json", action="store_true", help="最后一行输出 JSON 摘要")
        parser.add_argument("--simulate", action="store_true", help="政策模拟：不写入任何数据")
        parser.add_argument("--threshold", help="模拟的监测标准（元/人·年）")
        parser.add_argument("--threads", type=int, help="嵌入式引擎线程数（默认全部核心）")
        parser.add_argument(
            "--engine", choices=["duckdb", "spark"], default="duckdb", help="规则计算引擎：duckdb（默认）或 spark"
        )
        parser.add_argument("--master", default="", help="Spark 主节点地址，如 local[2]、spark://host:7077、yarn")

    def handle(self, *args, **o):
        as_of = _date(o["as_of"])
        if o["simulate"]:
            if o["threshold"] is None:
                raise CommandError("--simulate 需要 --threshold X")
            try:
                x = rules.to_number(o["threshold"], "threshold")
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            result = services.simulate(as_of=as_of, threshold=x)
            sim = result["simulated"]
            self.stdout.write(f"政策模拟：监测标准 {x} 元，收入年度 {sim['income_year']}（不写入任何数据）")
            for c in sim["counties"] + [{"name": "合计", **sim["total"]}]:
                self.stdout.write(
                    f"  {c['name']}：低于标准 {c['below']} 户，其中未纳入监测 {c['below_not_monitored']} 户；"
                    f"已监测但不低于标准 {c['monitored_above']} 户"
                )
            if o["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        overrides = {}
        for item in o["param"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--param 应为 RULE.NAME=VALUE：{item}")
            overrides[name.strip()] = value.strip()
        try:
            rules.effective_parameters({}, overrides)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        # On the job queue, carried out here and now: the run and its job show on the pages with their
        # progress, and are marked failed if this process dies.
        try:
            summary = services.run_here(
                actor=None,
                as_of=as_of,
                overrides=overrides,
                threads=o["threads"],
                engine=o["engine"],
                master=o["master"],
            ).summary
        except JobFailed as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"筛查完成：基准日 {as_of}，规则集 {as_of.year} 年第 {summary['ruleset']} 版，"
            f"筛查 {summary['households']} 户，用时 {summary['seconds']} 秒"
        )
        for code, n in summary["alerts"].items():
            self.stdout.write(f"  {rules.alert_name(code, '')}（{code}）：{n} 户")
        self.stdout.write(f"  预警新增 {summary['new']}，更新 {summary['updated']}，解除 {summary['closed']}")
        self.stdout.write("  未匹配记录：" + "，".join(f"{k} {v}" for k, v in summary["unmatched"].items()))
        if o["json"]:
            keys = ["households", "alerts", "new", "updated", "closed", "unmatched", "parameters", "seconds"]
            self.stdout.write(json.dumps({k: summary[k] for k in keys}, ensure_ascii=False))
