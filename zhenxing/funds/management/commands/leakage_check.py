from django.core.management.base import BaseCommand

from zhenxing.funds.leakage import leakage_run


class Command(BaseCommand):
    help = "运行跑冒滴漏检查（全部项目）"

    def handle(self, *args, **opts):
        r = leakage_run(actor=None, trigger="command")
        self.stdout.write(f"疑点 {r.total} 条（新增 {r.new}，已消除 {r.resolved}）：{r.found}")
