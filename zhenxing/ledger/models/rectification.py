"""Ledger models: rectification ledgers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department
from zhenxing.lib.workdays import CALENDAR, UNIT_CHOICES

from .units import Unit, _file_names


class RectificationType(models.Model):
    """A kind of find-fix-close list: 住房安全, 饮水安全, 问题厕所, 考核反馈问题, 督查发现问题, or one the admin adds."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    task_number = models.PositiveSmallIntegerField(_("对应重点任务序号"), null=True, blank=True)
    department = models.CharField(_("主管行业部门"), max_length=32, choices=Department.choices, blank=True)
    recheck_required = models.BooleanField(_("销号后须回头看"), default=False)
    default_days = models.PositiveSmallIntegerField(_("默认整改时限"), default=30)
    default_days_unit = models.CharField(_("默认整改时限单位"), max_length=10, choices=UNIT_CHOICES, default=CALENDAR)
    builtin = models.BooleanField(_("系统内置"), default=False)

    class Meta:
        verbose_name = _("整改台账类型")
        verbose_name_plural = _("整改台账类型")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    SCREENING = "screening", _("部门筛查预警")
    INSPECTION = "inspection", _("督导检查发现")
    NATIONAL = "national", _("国家考核评估反馈")
    PROVINCIAL = "provincial", _("省考核评估反馈")
    SELF_CHECK = "self_check", _("自查排查")
    FUNDS = "funds", _("资金项目监管")
    OTHER = "other", _("其他")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("待整改")
    IN_PROGRESS = "in_progress", _("整改中")
    AWAITING_VERIFICATION = "awaiting", _("已整改待核验")
    CLOSED = "closed", _("已销号")


OPEN_ITEM_STATUSES = (ItemStatus.PENDING, ItemStatus.IN_PROGRESS, ItemStatus.AWAITING_VERIFICATION)


@scope.register(region="region", field="type__department")
class RectificationItem(models.Model):
    type = models.ForeignKey(
        RectificationType, on_delete=models.PROTECT, related_name="items", verbose_name=_("台账类型")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="ledger_items", verbose_name=_("所在区划")
    )
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("农户"),
    )
    source = models.CharField(_("问题来源"), max_length=16, choices=SourceKind.choices)
    source_label = models.CharField(_("来源说明"), max_length=200, blank=True)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True, db_index=True)
    inspection = models.ForeignKey(
        "Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("督导检查"),
    )
    problem = models.TextField(_("问题描述"))
    found_on = models.DateField(_("发现日期"))
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="items", verbose_name=_("责任单位")
    )
    responsible_person = models.CharField(_("责任人"), max_length=64, blank=True)
    deadline = models.DateField(_("整改时限"))
    measures = models.TextField(_("整改措施"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    evidence = models.TextField(_("整改佐证"), blank=True)
    evidence_file = models.FileField(_("佐证材料"), upload_to="ledger/items/%Y/", blank=True)
    audit_masked = _file_names("evidence_file")
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    failed_checks = models.PositiveSmallIntegerField(_("核验未通过次数"), default=0)
    recheck_result = models.TextField(_("回头看结果"), blank=True)
    rechecked_on = models.DateField(_("回头看日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("创建人")
    )
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["-found_on", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="ledger_item_status_deadline"),
            models.Index(fields=["source", "source_ref"], name="ledger_item_source"),
        ]

    def __str__(self) -> str:
        return f"{self.type.name if self.type_id else ''}：{self.problem[:30]}"

    def is_overdue(self, as_of: dt.date | None = None) -> bool:
        as_of = as_of or dt.date.today()
        return self.status in (ItemStatus.PENDING, ItemStatus.IN_PROGRESS) and self.deadline < as_of

    def overdue_days(self, as_of: dt.date | None = None) -> int:
        as_of = as_of or dt.date.today()
        return (as_of - self.deadline).days if self.is_overdue(as_of) else 0


class ItemEvent(models.Model):
    """Insert-only transition log of an item; the status as of any date is read from it."""

    item = models.ForeignKey(
        RectificationItem, on_delete=models.CASCADE, related_name="events", verbose_name=_("整改事项")
    )
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    on = models.DateField(_("办理日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    @property
    def action_label(self) -> str:
        from ..workflow import ITEM_TRANSITIONS

        t = ITEM_TRANSITIONS.get(self.action)
        return t.label if t else {"open": "登记"}.get(self.action, self.action)

    class Meta:
        verbose_name = _("整改事项办理记录")
        verbose_name_plural = _("整改事项办理记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "on"], name="ledger_itemevent_item_on")]

    def __str__(self) -> str:
        return f"{self.item}：{self.action}（{self.on:%Y-%m-%d}）"
