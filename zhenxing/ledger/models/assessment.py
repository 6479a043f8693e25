"""Ledger models: county assessment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope

from .units import _file_names


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    COMPUTED = "computed", _("已计算待审核")
    PUBLISHED = "published", _("已发布")


@scope.register(region="region", departments="none")
class AssessmentScheme(models.Model):
    """A year's county assessment: the indicator system and, once run, the frozen results."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核区划"))
    as_of = models.DateField(_("数据截止日期"))
    status = models.CharField(_("状态"), max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("县级考核")
        verbose_name_plural = _("县级考核")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class Scoring(models.TextChoices):
    PROPORTIONAL = "proportional", _("按完成比例计分")
    PASS_FAIL = "pass_fail", _("达标得满分，否则不得分")
    MANUAL = "manual", _("评审打分")


class AssessmentIndicator(models.Model):
    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("考核方案")
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("指标代码"), max_length=64, help_text=_("系统指标的代码；评审指标留空"), blank=True)
    name = models.CharField(_("指标"), max_length=200)
    formula = models.TextField(_("计算方法"), blank=True)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    scoring = models.CharField(_("计分方式"), max_length=16, choices=Scoring.choices)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4, null=True, blank=True)
    higher_is_better = models.BooleanField(_("越高越好"), default=True)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "order"]
        constraints = [models.UniqueConstraint(fields=["scheme", "order"], name="ledger_indicator_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def computed(self) -> bool:
        return bool(self.code)


@scope.register(region="county", departments="none")
class AssessmentResult(models.Model):
    """One county's line of a scheme: the total and its rank (frozen once published)."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="results", verbose_name=_("考核方案")
    )
    county = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, default=0)
    raw_total = models.DecimalField(_("适用系统指标得分合计"), max_digits=8, decimal_places=2, default=0)
    applicable_weight = models.DecimalField(_("适用系统指标分值合计"), max_digits=8, decimal_places=2, default=0)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["scheme", "rank", "county__code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "county"], name="ledger_result_county")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.county}"


class AssessmentScore(models.Model):
    """A county's value and score on one indicator, with the evidence behind it."""

    result = models.ForeignKey(
        AssessmentResult, on_delete=models.CASCADE, related_name="scores", verbose_name=_("考核结果")
    )
    indicator = models.ForeignKey(
        AssessmentIndicator, on_delete=models.CASCADE, related_name="scores", verbose_name=_("考核指标")
    )
    # The same precision as the dashboard snapshot: one figure, one value everywhere.
    value = models.DecimalField(_("指标值"), max_digits=24, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(_("分子"), max_digits=16, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=16, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    applicable = models.BooleanField(
        _("适用"), default=True, help_text=_("无应计量事项的指标为不适用，其分值按比例分配给适用指标")
    )
    evidence_url = models.CharField(_("数据来源"), max_length=500, blank=True)
    evidence = models.TextField(_("评审依据"), blank=True)
    evidence_file = models.FileField(_("佐证材料"), upload_to="ledger/assessment/%Y/", blank=True)
    audit_masked = _file_names("evidence_file")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )

    class Meta:
        verbose_name = _("考核指标得分")
        verbose_name_plural = _("考核指标得分")
        ordering = ["result", "indicator__order"]
        constraints = [models.UniqueConstraint(fields=["result", "indicator"], name="ledger_score_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator.name}得分"
