"""Village ledger models: points system (积分制)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope


class PointCategory(models.TextChoices):
    PUBLIC_WORKS = "public_works", _("公益劳动")
    DISPUTES = "disputes", _("矛盾调解")
    CUSTOMS = "customs", _("移风易俗（红白事简办、不要高价彩礼）")
    TIDY_HOME = "tidy_home", _("人居环境")
    VOLUNTEERING = "volunteering", _("志愿服务")
    HONOURS = "honours", _("荣誉表彰")
    OTHER = "other", _("其他")


@scope.register(region="village")
class PointRule(models.Model):
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    category = models.CharField(_("类别"), max_length=16, choices=PointCategory.choices)
    name = models.CharField(_("事项"), max_length=200)
    points = models.IntegerField(_("分值"), help_text=_("加分为正数，扣分为负数"))
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["village", "category", "-points", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(points=0), name="people_rule_points_nonzero", violation_error_message="分值不能为0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.points:+d}分）"


class EntryState(models.TextChoices):
    PROPOSED = "proposed", _("待村委会确认")
    CONFIRMED = "confirmed", _("已确认待公示")
    POSTED = "posted", _("公示中")
    CREDITED = "credited", _("已入账")
    REJECTED = "rejected", _("未通过")


@scope.register(region="household__village")
class PointEntry(models.Model):
    """One proposal of points for a household; moves through ``points.TRANSITIONS``."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("农户")
    )
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="entries", verbose_name=_("积分事项"))
    points = models.IntegerField(_("分值"))
    date = models.DateField(_("事项日期"))
    note = models.CharField(_("事由"), max_length=300, blank=True)
    proposer_name = models.CharField(_("提议人（村民小组长）"), max_length=64)
    state = models.CharField(_("状态"), max_length=16, choices=EntryState.choices, default=EntryState.PROPOSED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("录入人")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    posted_on = models.DateField(_("公示日期"), null=True, blank=True)
    credited_at = models.DateTimeField(_("入账时间"), null=True, blank=True)
    applied = models.IntegerField(_("实际入账分值"), null=True, blank=True, help_text=_("扣分超过余额时余额扣至零"))
    rejected_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("提议时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分申报")
        verbose_name_plural = _("积分申报")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["state", "household"], name="people_entry_state_household")]

    def __str__(self) -> str:
        return f"{self.household} {self.rule.name} {self.points:+d}"


@scope.register(region="household__village")
class PointAccount(models.Model):
    """A household's balance: carries over from year to year; never below zero."""

    household = models.OneToOneField(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("农户")
    )
    balance = models.IntegerField(_("积分余额"), default=0)
    earned = models.IntegerField(_("累计入账"), default=0)
    spent = models.IntegerField(_("累计兑换"), default=0)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0),
                name="people_account_balance_nonneg",
                violation_error_message="积分余额不能为负数",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.balance}分"


@scope.register(region="village")
class StoreItem(models.Model):
    """积分超市 goods."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    name = models.CharField(_("商品"), max_length=100)
    price = models.PositiveIntegerField(_("兑换积分"))
    stock = models.IntegerField(_("库存"), default=0)
    active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("积分超市商品")
        verbose_name_plural = _("积分超市商品")
        ordering = ["village", "price", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__gte=0), name="people_item_stock_nonneg", violation_error_message="库存不能为负数"
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0), name="people_item_price_pos", violation_error_message="兑换积分须大于0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.price}分）"


@scope.register(region="household__village")
class Redemption(models.Model):
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("农户")
    )
    item = models.ForeignKey(StoreItem, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("商品"))
    quantity = models.PositiveIntegerField(_("数量"))
    points = models.PositiveIntegerField(_("消耗积分"))
    date = models.DateField(_("兑换日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("经办人")
    )

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="people_redemption_qty_pos", violation_error_message="数量须大于0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.item.name}×{self.quantity}"
