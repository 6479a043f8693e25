"""Ledger models: units (牵头单位、责任单位) and their members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department


def _file_names(*fields: str) -> dict:
    """``audit_masked`` for file fields: the audit logs the stored name (an empty FieldFile has no url)."""
    return {f: (lambda instance, f=f: getattr(instance, f).name or "") for f in fields}


class UnitKind(models.TextChoices):
    PARTY = "party", _("党委部门")
    GOVERNMENT = "government", _("政府部门")
    COUNTY = "county", _("县（市、区）")
    TOWNSHIP = "township", _("乡镇")
    OTHER = "other", _("其他")


@scope.register(region="region", field="department", below=1)  # the prefecture's departments: read by all
class Unit(models.Model):
    """A 牵头单位 / 责任单位 / local owner: 地区水务局, 塔河县乡村振兴局, 十八站乡政府 ..."""

    name = models.CharField(_("单位名称"), max_length=64)
    kind = models.CharField(_("单位类别"), max_length=16, choices=UnitKind.choices, default=UnitKind.GOVERNMENT)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="ledger_units", verbose_name=_("所在区划")
    )
    department = models.CharField(_("对应行业部门"), max_length=32, choices=Department.choices, blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="ledger_unit_region_name")]

    def __str__(self) -> str:
        return self.name


class UnitMember(models.Model):
    """Links a staff account to the unit it acts for (one unit per account)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="members", verbose_name=_("单位"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_unit", verbose_name=_("账户")
    )

    class Meta:
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")

    def __str__(self) -> str:
        return f"{self.unit} · {self.user}"
