from django.core.management.base import BaseCommand

from zhenxing.funds.services import pool_roll_over


class Command(BaseCommand):
    help = "把某年度已入库但未安排资金的储备项目滚动到下一年度"

    def add_arguments(self, parser):
        parser.add_argument("--from-year", type=int, required=True)
        parser.add_argument("--to-year", type=int)

    def handle(self, *args, **opts):
        to_year = opts["to_year"] or opts["from_year"] + 1
        n = pool_roll_over(actor=None, from_year=opts["from_year"], to_year=to_year)
        self.stdout.write(f"已滚动 {n} 个储备项目：{opts['from_year']} → {to_year}")
