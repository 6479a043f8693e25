"""Ledger models: inspection and accountability."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope

from .rectification import ItemStatus, RectificationItem
from .units import Unit, _file_names


class InspectionKind(models.TextChoices):
    PREFECTURE_SPOT = "prefecture_spot", _("地级抽查")
    COUNTY_SELF = "county_self", _("县级自查")
    DEPARTMENT = "department", _("行业部门督查")
    UNANNOUNCED = "unannounced", _("暗访")


@scope.register(region="region", departments="region")
class Inspection(models.Model):
    kind = models.CharField(_("督导方式"), max_length=20, choices=InspectionKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="ledger_inspections", verbose_name=_("被督导区划")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="inspections", verbose_name=_("督导单位")
    )
    inspectors = models.CharField(_("督导人员"), max_length=200, blank=True)
    started_on = models.DateField(_("督导日期"))
    summary = models.TextField(_("总体情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("记录人")
    )

    class Meta:
        verbose_name = _("督导检查")
        verbose_name_plural = _("督导检查")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return self.title


@scope.register(region="inspection__region", departments="region")
class InspectionFollowUp(models.Model):
    """A later look at an inspection's findings (督导回访): what the inspector found on that date."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("督导检查")
    )
    on = models.DateField(_("回访日期"))
    text = models.TextField(_("回访情况"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("记录人")
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督导回访")
        verbose_name_plural = _("督导回访")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.on}"


class EscalationRule(models.Model):
    """One step of the escalation ladder, as data: when the system proposes it.

    A step is proposed for an item when every earlier step has been decided for it and the item
    meets the step's condition: overdue by at least ``min_overdue_days`` (when set), OR verification
    failed at least ``min_failed_checks`` times (when set)."""

    order = models.PositiveSmallIntegerField(_("顺序"), unique=True)
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("措施"), max_length=32)
    min_overdue_days = models.PositiveSmallIntegerField(_("逾期天数达到"), null=True, blank=True)
    min_failed_checks = models.PositiveSmallIntegerField(_("核验未通过次数达到"), null=True, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("问责升级规则")
        verbose_name_plural = _("问责升级规则")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    def met_by(self, item: RectificationItem, as_of: dt.date) -> bool:
        if item.status == ItemStatus.CLOSED:
            return False
        if (
            self.min_overdue_days is not None
            and item.is_overdue(as_of)
            and item.overdue_days(as_of) >= self.min_overdue_days
        ):
            return True
        return self.min_failed_checks is not None and item.failed_checks >= self.min_failed_checks


class DecisionOutcome(models.TextChoices):
    APPLIED = "applied", _("决定实施")
    DECLINED = "declined", _("决定不实施")


@scope.register(region="item__region", departments="none")
class EscalationDecision(models.Model):
    """The prefecture's decision on a proposed step, against the unit and the people."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("整改事项")
    )
    rule = models.ForeignKey(EscalationRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("措施"))
    outcome = models.CharField(_("决定"), max_length=16, choices=DecisionOutcome.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions", verbose_name=_("被问责单位")
    )
    people = models.CharField(_("相关责任人"), max_length=200, blank=True)
    document = models.CharField(_("文件文号"), max_length=100, blank=True)
    document_file = models.FileField(_("文件"), upload_to="ledger/decisions/%Y/", blank=True)
    audit_masked = _file_names("document_file")
    note = models.TextField(_("说明"), blank=True)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("决定人")
    )

    class Meta:
        verbose_name = _("问责决定")
        verbose_name_plural = _("问责决定")
        ordering = ["-decided_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["item", "rule"], name="ledger_decision_item_rule")]

    def __str__(self) -> str:
        return f"{self.rule}：{self.item}"
