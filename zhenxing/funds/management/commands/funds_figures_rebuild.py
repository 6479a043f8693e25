from django.core.management.base import BaseCommand

from zhenxing.funds.services import figures_rebuild


class Command(BaseCommand):
    help = "由支付明细重建县月度资金汇总表（修复用；平时由支付登记和导入增量维护）"

    def handle(self, *args, **opts):
        self.stdout.write(f"已重建 {figures_rebuild()} 行")
