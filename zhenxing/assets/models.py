"""扶贫项目资产 (国办函〔2021〕51号): registered from an accepted project (or, for an asset formed
before the system, directly with its source project as text and year), with ownership (确权),
operator, maintainer, a maintenance ledger, income and its distribution, and disposal."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0")


class AssetClass(models.TextChoices):
    PUBLIC_BENEFIT = "public_benefit", _("公益性")
    INCOME_GENERATING = "income_generating", _("经营性")
    HOUSEHOLD = "household", _("到户类")


class OwnerKind(models.TextChoices):
    VILLAGE_COLLECTIVE = "village_collective", _("村集体")
    HOUSEHOLD = "household", _("农户")
    OTHER = "other", _("其他")


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("在用")
    DISPOSED = "disposed", _("已处置")


@scope.register(region="village", departments="none")
class Asset(models.Model):
    # Null for a historical asset (formed before the system): its project is then named in text.
    project = models.ForeignKey(
        "funds.Project",
        on_delete=models.PROTECT,
        related_name="assets",
        null=True,
        blank=True,
        verbose_name=_("形成资产的项目"),
    )
    source_project = models.CharField(_("形成资产的项目（系统外）"), max_length=200, blank=True)
    source_year = models.PositiveSmallIntegerField(_("项目年度（系统外）"), null=True, blank=True)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县"))
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"))
    code = models.CharField(_("资产编号"), max_length=40, unique=True)
    name = models.CharField(_("资产名称"), max_length=200)
    asset_class = models.CharField(_("资产类别"), max_length=24, choices=AssetClass.choices)
    value = models.DecimalField(_("资产价值（元）"), **MONEY)
    location = models.CharField(_("坐落位置"), max_length=200, blank=True)
    owner_kind = models.CharField(_("所有权人类型"), max_length=24, choices=OwnerKind.choices)
    owner_name = models.CharField(_("所有权人"), max_length=100)
    owner_household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所有权农户"),
    )
    operator = models.CharField(_("经营主体"), max_length=100, blank=True)
    maintainer = models.CharField(_("管护主体"), max_length=100, blank=True)
    title_document = models.CharField(_("确权登记（证书或文号）"), max_length=100)
    title_date = models.DateField(_("确权日期"))
    handed_over_on = models.DateField(_("移交日期"))
    status = models.CharField(_("状态"), max_length=16, choices=AssetStatus.choices, default=AssetStatus.IN_USE)
    # Kept by the services so risk flags and the inventory are single indexed queries.
    last_inspection = models.DateField(_("最近巡查"), null=True, blank=True)
    last_income = models.DateField(_("最近收益"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目资产")
        verbose_name_plural = _("项目资产")
        ordering = ["county", "village", "code"]
        indexes = [models.Index(fields=["county", "asset_class", "status"], name="assets_county_class")]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="assets_value_not_negative"),
            # Formed by a project of the system, or a historical asset naming its project and year.
            models.CheckConstraint(
                condition=Q(project__isnull=False) | (~Q(source_project="") & Q(source_year__isnull=False)),
                name="assets_project_or_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_historical(self) -> bool:
        return self.project_id is None

    @property
    def project_code(self) -> str:
        return self.project.code if self.project_id else ""

    @property
    def project_label(self) -> str:
        """The forming project as pages and exports show it."""
        if self.project_id:
            return f"{self.project.code} {self.project.name}"
        return f"{self.source_project}（{self.source_year}年，历史资产）"


class MaintenanceKind(models.TextChoices):
    INSPECTION = "inspection", _("巡查")
    REPAIR = "repair", _("维修")
    UPKEEP = "upkeep", _("日常管护")


@scope.register(region="asset__village", departments="none")
class MaintenanceRecord(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="maintenance", verbose_name=_("资产"))
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=MaintenanceKind.choices)
    description = models.CharField(_("情况"), max_length=300)
    cost = models.DecimalField(_("费用（元）"), **MONEY, default=ZERO)
    done_by = models.CharField(_("实施人或单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("管护记录")
        verbose_name_plural = _("管护记录")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(cost__gte=0), name="assets_maint_cost")]

    def __str__(self) -> str:
        return f"{self.asset}管护记录（{self.date:%Y-%m-%d}）"


@scope.register(region="asset__village", departments="none")
class AssetIncome(models.Model):
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="incomes", verbose_name=_("资产"))
    date = models.DateField(_("收益日期"))
    amount = models.DecimalField(_("收益金额（元）"), **MONEY)
    source = models.CharField(_("收益来源"), max_length=200)
    distributed_total = models.DecimalField(_("已分配"), **MONEY, default=ZERO)

    class Meta:
        verbose_name = _("资产收益")
        verbose_name_plural = _("资产收益")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="assets_income_positive"),
            models.CheckConstraint(
                condition=Q(distributed_total__gte=0) & Q(distributed_total__lte=F("amount")),
                name="assets_income_not_over_distributed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset}收益（{self.date:%Y-%m-%d}，{self.amount}元）"


@scope.register(region="income__asset__village", departments="none")
class IncomeDistribution(models.Model):
    income = models.ForeignKey(
        AssetIncome, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("收益")
    )
    recipient = models.CharField(_("分配对象"), max_length=100)
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("农户")
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    meeting = models.CharField(_("决策会议（名称、日期）"), max_length=200)
    date = models.DateField(_("分配日期"))

    class Meta:
        verbose_name = _("收益分配")
        verbose_name_plural = _("收益分配")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="assets_distribution_positive")]

    def __str__(self) -> str:
        return f"{self.recipient}分得收益{self.amount}元"


@scope.register(region="asset__village", departments="none")
class Disposal(models.Model):
    asset = models.OneToOneField(Asset, on_delete=models.PROTECT, related_name="disposal", verbose_name=_("资产"))
    date = models.DateField(_("处置日期"))
    method = models.CharField(_("处置方式"), max_length=50)
    reason = models.CharField(_("处置原因"), max_length=300)
    approval_document = models.CharField(_("批准文号"), max_length=100)
    approved_by = models.CharField(_("批准机关"), max_length=100)
    proceeds = models.DecimalField(_("处置收入（元）"), **MONEY, default=ZERO)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("记录人")
    )

    class Meta:
        verbose_name = _("资产处置")
        verbose_name_plural = _("资产处置")
        constraints = [models.CheckConstraint(condition=Q(proceeds__gte=0), name="assets_disposal_proceeds")]

    def __str__(self) -> str:
        return f"{self.asset}处置（{self.date:%Y-%m-%d}）"
