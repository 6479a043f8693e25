"""The dashboard's own tables: nightly snapshots of every indicator for every region node and the
periodic reports. The yearly monitoring income standard the registry figures compare with is
monitoring's ``YearStandard`` (the single source)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope


@scope.register(region="region", departments="region")
class IndicatorSnapshot(models.Model):
    """One indicator's figure for one region node's subtree on one date.

    Derived data, recomputed by ``zhenxing snapshot-indicators``: not audited row by row (the run
    itself is logged as an event)."""

    date = models.DateField(_("日期"))
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("区划"))
    code = models.CharField(_("指标代码"), max_length=64)
    value = models.DecimalField(_("值"), max_digits=24, decimal_places=6, null=True)
    numerator = models.DecimalField(_("分子"), max_digits=24, decimal_places=6, null=True)
    denominator = models.DecimalField(_("分母"), max_digits=24, decimal_places=6, null=True)
    evidence_url = models.CharField(_("明细链接"), max_length=500, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    audit_skip = True

    class Meta:
        verbose_name = _("指标快照")
        verbose_name_plural = _("指标快照")
        constraints = [models.UniqueConstraint(fields=["region", "date", "code"], name="snapshot_region_date_code")]
        indexes = [models.Index(fields=["date", "code"], name="snapshot_date_code")]

    def __str__(self) -> str:
        return f"{self.date} {self.region_id} {self.code}={self.value}"


class ReportKind(models.TextChoices):
    MONTH = "month", _("月报")
    YEAR = "year", _("年度总结")


def report_upload_to(instance: Report, filename: str) -> str:
    return f"reports/{instance.region.code}/{filename}"


@scope.register(region="region", departments="region")
class Report(models.Model):
    """A periodic report for one region's subtree, kept with its three files."""

    kind = models.CharField(_("类型"), max_length=8, choices=ReportKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划"))
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    snapshot_date = models.DateField(_("数据截至"), null=True)
    previous_snapshot_date = models.DateField(_("上期数据截至"), null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成人"),
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    docx = models.FileField(_("Word 文件"), upload_to=report_upload_to, max_length=300, blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to=report_upload_to, max_length=300, blank=True)
    xlsx = models.FileField(_("Excel 文件"), upload_to=report_upload_to, max_length=300, blank=True)

    class Meta:
        verbose_name = _("定期报告")
        verbose_name_plural = _("定期报告")
        ordering = ["-period_start", "-created_at", "-id"]
        indexes = [models.Index(fields=["region", "kind", "period_start"], name="report_region_period")]

    def __str__(self) -> str:
        return f"{self.region.name}{self.period_label}{self.get_kind_display()}"

    @property
    def period_label(self) -> str:
        if self.kind == ReportKind.YEAR:
            return f"{self.period_start.year}年"
        return f"{self.period_start.year}年{self.period_start.month}月"
