"""Village ledger models: resident cadres (驻村工作队)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope


@scope.register(region="village")
class WorkTeam(models.Model):
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("驻村"))
    unit = models.CharField(_("派出单位"), max_length=100)
    start = models.DateField(_("派驻日期"))
    end = models.DateField(_("轮换日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("驻村工作队")
        verbose_name_plural = _("驻村工作队")
        ordering = ["village", "-start"]

    def __str__(self) -> str:
        return f"{self.village}驻村工作队（{self.unit}）"


class CadrePosition(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    LEADER = "leader", _("工作队长")
    MEMBER = "member", _("工作队员")


@scope.register(region="team__village")
class Cadre(models.Model):
    team = models.ForeignKey(WorkTeam, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("工作队"))
    name = models.CharField(_("姓名"), max_length=64)
    position = models.CharField(_("职务"), max_length=16, choices=CadrePosition.choices)
    home_unit = models.CharField(_("原单位"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    start = models.DateField(_("驻村日期"))
    end = models.DateField(_("离村日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("驻村干部")
        verbose_name_plural = _("驻村干部")
        ordering = ["team", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="people_cadre_dates",
                violation_error_message="离村日期不能早于驻村日期",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_position_display()}）"


@scope.register(region="cadre__team__village")
class WorkLog(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="logs", verbose_name=_("驻村干部"))
    date = models.DateField(_("日期"))
    in_village = models.BooleanField(_("在村"), default=True)
    content = models.CharField(_("工作内容"), max_length=300)

    class Meta:
        verbose_name = _("驻村工作日志")
        verbose_name_plural = _("驻村工作日志")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "date"], name="people_log_cadre_date", violation_error_message="该干部当天已有工作日志"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.date}"


@scope.register(region="cadre__team__village")
class CadreHousehold(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="households", verbose_name=_("驻村干部"))
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("帮扶户")
    )

    class Meta:
        verbose_name = _("驻村干部帮扶户")
        verbose_name_plural = _("驻村干部帮扶户")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "household"],
                name="people_cadre_household",
                violation_error_message="已是该干部的帮扶户",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} · {self.household}"


@scope.register(region="cadre__team__village")
class Training(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("驻村干部"))
    date = models.DateField(_("培训日期"))
    title = models.CharField(_("培训内容"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=Decimal("0"))

    class Meta:
        verbose_name = _("驻村干部培训")
        verbose_name_plural = _("驻村干部培训")
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.title


class AssessmentResult(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


@scope.register(region="cadre__team__village")
class CadreAssessment(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("驻村干部"))
    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("考核结果"), max_length=16, choices=AssessmentResult.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("驻村干部年度考核")
        verbose_name_plural = _("驻村干部年度考核")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year"],
                name="people_assessment_cadre_year",
                violation_error_message="该干部该年度已有考核结果",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year}年 {self.get_result_display()}"
