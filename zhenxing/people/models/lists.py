"""Village ledger models: list system (清单制)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope


class PowerCategory(models.TextChoices):
    SPENDING = "spending", _("集体资金支出")
    CONTRACTING = "contracting", _("集体资产资源发包")
    SUBSIDY = "subsidy", _("补贴申请")
    HOUSING_SITE = "housing_site", _("宅基地审批")
    PROJECT = "project", _("村级工程项目")
    OTHER = "other", _("其他")


@scope.register(region="village")
class Power(models.Model):
    """A village micro-power with its published procedure (steps are data: ``PowerStep``)."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("权力事项"), max_length=100)
    category = models.CharField(_("类别"), max_length=16, choices=PowerCategory.choices)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("小微权力事项")
        verbose_name_plural = _("小微权力事项")
        ordering = ["village", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "number"],
                name="people_power_village_number",
                violation_error_message="本村已有该序号的权力事项",
            )
        ]

    def __str__(self) -> str:
        return self.name


@scope.register(region="power__village")
class PowerStep(models.Model):
    power = models.ForeignKey(Power, on_delete=models.CASCADE, related_name="steps", verbose_name=_("权力事项"))
    order = models.PositiveSmallIntegerField(_("步骤"))
    name = models.CharField(_("环节"), max_length=100)
    actor = models.CharField(_("责任主体"), max_length=100)
    time_limit_days = models.PositiveSmallIntegerField(_("时限（天）"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理步骤")
        verbose_name_plural = _("办理步骤")
        ordering = ["power", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["power", "order"], name="people_step_power_order", violation_error_message="该步骤序号已存在"
            ),
            models.CheckConstraint(
                condition=Q(order__gte=1), name="people_step_order_pos", violation_error_message="步骤序号须从1开始"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class CaseState(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


@scope.register(region="power__village")
class PowerCase(models.Model):
    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="cases", verbose_name=_("权力事项"))
    title = models.CharField(_("事项名称"), max_length=200)
    applicant = models.CharField(_("申请人或经办人"), max_length=64, blank=True)
    opened = models.DateField(_("启动日期"))
    state = models.CharField(_("状态"), max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    done_steps = models.PositiveSmallIntegerField(_("已完成步骤"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )

    class Meta:
        verbose_name = _("小微权力办理事项")
        verbose_name_plural = _("小微权力办理事项")
        ordering = ["-opened", "-id"]

    def __str__(self) -> str:
        return self.title


@scope.register(region="case__power__village")
class CaseStep(models.Model):
    """Insert-only: who did which step of a case, and when."""

    case = models.ForeignKey(PowerCase, on_delete=models.PROTECT, related_name="records", verbose_name=_("办理事项"))
    step = models.ForeignKey(PowerStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("步骤"))
    done_by = models.CharField(_("办理人"), max_length=64)
    done_on = models.DateField(_("办理日期"))
    note = models.CharField(_("办理情况"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["case", "step__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step"], name="people_casestep_case_step", violation_error_message="该步骤已办理"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.step}"
