"""Village ledger models: employment."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope

from .base import MONEY


class PostKind(models.TextChoices):
    SANITATION = "sanitation", _("保洁员")
    FOREST = "forest", _("护林员")
    ROAD = "road", _("道路养护员")
    WATER = "water", _("水管员")
    SECURITY = "security", _("治安巡逻员")
    CARE = "care", _("养老护理员")
    OTHER = "other", _("其他")


class Funding(models.TextChoices):
    LINKAGE = "linkage", _("衔接资金")
    COUNTY = "county", _("县级财政")
    COLLECTIVE = "collective", _("村集体经济")
    SOCIAL = "social", _("社会帮扶")
    OTHER = "other", _("其他")


@scope.register(region="village")
class PublicPost(models.Model):
    """乡村公益岗位."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"))
    name = models.CharField(_("岗位名称"), max_length=64)
    kind = models.CharField(_("岗位类别"), max_length=16, choices=PostKind.choices)
    monthly_pay = models.DecimalField(_("月补贴标准（元）"), **MONEY)
    funding = models.CharField(_("资金来源"), max_length=16, choices=Funding.choices)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公益岗位")
        verbose_name_plural = _("公益岗位")
        ordering = ["village", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_pay__gte=0),
                name="people_post_pay_nonneg",
                violation_error_message="月补贴标准不能为负数",
            )
        ]

    def __str__(self) -> str:
        return self.name


@scope.register(region="post__village")
class PostHolding(models.Model):
    post = models.ForeignKey(PublicPost, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("岗位"))
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("上岗人员")
    )
    start = models.DateField(_("上岗日期"))
    end = models.DateField(_("离岗日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("公益岗位上岗")
        verbose_name_plural = _("公益岗位上岗")
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="people_holding_dates",
                violation_error_message="离岗日期不能早于上岗日期",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post} · {self.member.name}"


@scope.register(region="holding__post__village")
class PostPay(models.Model):
    """Monthly attendance and pay of one holding."""

    holding = models.ForeignKey(PostHolding, on_delete=models.CASCADE, related_name="pays", verbose_name=_("上岗记录"))
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    days_worked = models.PositiveSmallIntegerField(_("出勤天数"))
    pay = models.DecimalField(_("实发金额（元）"), **MONEY)

    class Meta:
        verbose_name = _("公益岗位考勤发放")
        verbose_name_plural = _("公益岗位考勤发放")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["holding", "month"],
                name="people_pay_holding_month",
                violation_error_message="该人员该月已登记考勤发放",
            ),
            models.CheckConstraint(
                condition=Q(pay__gte=0) & Q(days_worked__lte=31),
                name="people_pay_valid",
                violation_error_message="出勤天数不能超过31天，实发金额不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holding} {self.month:%Y-%m}"


@scope.register(region="village")
class Workshop(models.Model):
    """帮扶车间."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"))
    name = models.CharField(_("车间名称"), max_length=100)
    owner = models.CharField(_("经营主体"), max_length=100)
    products = models.CharField(_("主要产品"), max_length=200, blank=True)
    policy_support = models.CharField(_("享受扶持政策"), max_length=200, blank=True)
    support_amount = models.DecimalField(_("扶持资金（元）"), default=Decimal("0"), **MONEY)

    class Meta:
        verbose_name = _("帮扶车间")
        verbose_name_plural = _("帮扶车间")
        ordering = ["village", "name", "id"]

    def __str__(self) -> str:
        return self.name


@scope.register(region="workshop__village")
class WorkshopWorker(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="workers", verbose_name=_("车间"))
    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("务工人员")
    )
    start = models.DateField(_("入职日期"))
    end = models.DateField(_("离职日期"), null=True, blank=True)
    monthly_wage = models.DecimalField(_("月工资（元）"), default=Decimal("0"), **MONEY)

    class Meta:
        verbose_name = _("车间务工人员")
        verbose_name_plural = _("车间务工人员")
        ordering = ["-start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="people_worker_dates",
                violation_error_message="离职日期不能早于入职日期",
            )
        ]

    def __str__(self) -> str:
        return f"{self.workshop} · {self.member.name}"


@scope.register(region="member__household__village")
class LabourExport(models.Model):
    """劳务输出: a person gone out to work."""

    member = models.ForeignKey(
        "registry.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("务工人员")
    )
    destination = models.CharField(_("务工地点"), max_length=100)
    sector = models.CharField(_("从事行业"), max_length=64)
    since = models.DateField(_("外出日期"))
    until = models.DateField(_("返乡日期"), null=True, blank=True)
    monthly_income = models.DecimalField(_("月收入（元）"), **MONEY)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("劳务输出")
        verbose_name_plural = _("劳务输出")
        ordering = ["-since", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="people_export_dates",
                violation_error_message="返乡日期不能早于外出日期",
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0),
                name="people_export_income_nonneg",
                violation_error_message="月收入不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.destination}"
