"""Village ledger models: social help (百企兴百村)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope

from .base import MONEY


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SOCIAL_ORG = "social_org", _("社会组织")


@scope.register(region="village")
class Pairing(models.Model):
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("结对村"))
    partner = models.CharField(_("帮扶主体"), max_length=100)
    partner_kind = models.CharField(_("主体类型"), max_length=16, choices=PartnerKind.choices)
    since = models.DateField(_("结对日期"))
    committed_projects = models.PositiveIntegerField(_("承诺项目（个）"), default=0)
    committed_money = models.DecimalField(_("承诺资金（元）"), default=Decimal("0"), **MONEY)
    committed_jobs = models.PositiveIntegerField(_("承诺岗位（个）"), default=0)
    committed_purchases = models.DecimalField(_("承诺消费帮扶（元）"), default=Decimal("0"), **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("百企兴百村结对")
        verbose_name_plural = _("百企兴百村结对")
        ordering = ["village", "partner", "id"]

    def __str__(self) -> str:
        return f"{self.partner} — {self.village}"


class DeliveryKind(models.TextChoices):
    PROJECT = "project", _("项目")
    MONEY = "money", _("资金")
    JOBS = "jobs", _("岗位")
    PURCHASE = "purchase", _("消费帮扶")


@scope.register(region="pairing__village")
class Delivery(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("结对"))
    date = models.DateField(_("兑现日期"))
    kind = models.CharField(_("兑现类型"), max_length=16, choices=DeliveryKind.choices)
    amount = models.DecimalField(_("金额（元）"), default=Decimal("0"), **MONEY)
    count = models.PositiveIntegerField(_("数量（个）"), default=0, help_text=_("项目个数或岗位个数"))
    note = models.CharField(_("内容"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("结对兑现")
        verbose_name_plural = _("结对兑现")
        ordering = ["-date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="people_delivery_amount_nonneg",
                violation_error_message="金额不能为负数",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pairing} {self.get_kind_display()}"
