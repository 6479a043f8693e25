from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhenxing.dashboard import reports, selectors
from zhenxing.regions.models import Level, Region

DEFAULT_LEVELS = [Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP]


class Command(BaseCommand):
    help = (
        "生成定期报告（Word、PDF、Excel 三种文件，保存并可下载）。--period 2022-05 为月报，--period 2022 为年度总结，"
        "默认上月月报；--region 为区划代码，默认地区、各县（市、区）和各乡镇。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="2022-05（月报）或 2022（年度总结）")
        parser.add_argument("--region", help="区划代码（12位）")

    def handle(self, *args, **opts):
        period = opts["period"] or f"{selectors.month_end_before(timezone.localdate()):%Y-%m}"
        try:
            kind, start, end = reports.parse_period(period)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        if opts["region"]:
            region = Region.objects.filter(code=opts["region"]).first()
            if region is None:
                raise CommandError(f"区划代码 {opts['region']} 不存在")
            regions = [region]
        else:
            regions = list(Region.objects.filter(level__in=DEFAULT_LEVELS).order_by("path"))
        for region in regions:
            report = reports.report_generate(actor=None, region=region, kind=kind, start=start, end=end)
            self.stdout.write(f"{report}：{report.docx.name}、{report.pdf.name}、{report.xlsx.name}")
        self.stdout.write(f"共生成 {len(regions)} 份报告")
