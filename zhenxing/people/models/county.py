"""Village ledger models: county settings (*varies*)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope


@scope.register(region="county", departments="region")
class CountySetting(models.Model):
    """What a county requires in a year; read through ``selectors.county_setting`` (defaults when absent)."""

    county = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    workshop_poor_share = models.DecimalField(
        _("帮扶车间脱贫劳动力占比要求"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        help_text=_("如 0.300 表示 30%"),
    )
    cadre_days_required = models.PositiveSmallIntegerField(_("驻村干部每年在村天数要求"), default=220)
    points_posting_days = models.PositiveSmallIntegerField(_("积分公示天数"), default=3)

    class Meta:
        verbose_name = _("县级要求设置")
        verbose_name_plural = _("县级要求设置")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                name="people_setting_county_year",
                violation_error_message="该县该年度已有设置",
            ),
            models.CheckConstraint(
                condition=Q(workshop_poor_share__gte=0) & Q(workshop_poor_share__lte=1),
                name="people_setting_share_range",
                violation_error_message="占比要求须在0到1之间",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year}年"
