from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    PREFECTURE = "prefecture", _("地区")
    COUNTY = "county", _("县（市、区）")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")


LEVEL_DEPTH = {Level.PROVINCE: 0, Level.PREFECTURE: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.VILLAGE: 4}


class Region(models.Model):
    """A node of the administrative division tree.

    ``path`` is the materialised path of codes ("230000000000/232700000000/.../"), so that
    "this node and everything below" is one indexed prefix query.
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    path = models.CharField(_("路径"), max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField(_("深度"))
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=_("名称或代码为演示用示例，非官方区划"))
    # The county office's public phone, shown on the public portal (/public/); county level only.
    office_phone = models.CharField(
        _("办公电话"),
        max_length=32,
        blank=True,
        default="",
        help_text=_("县级乡村振兴部门对外公布的联系电话，留空则显示“暂未公布”"),
    )
    office_phone_is_sample = models.BooleanField(
        _("办公电话为示例"), default=False, help_text=_("演示数据填入的示例号码，非真实电话")
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        indexes = [models.Index(fields=["level", "name"], name="region_level_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return f"{self.name}（示例）" if self.is_sample else self.name

    def ancestors(self) -> list[Region]:
        """Root first, this node last (one query)."""
        codes = [c for c in self.path.split("/") if c]
        nodes = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [nodes[c] for c in codes if c in nodes]

    def full_name(self, *, below: Region | None = None) -> str:
        """黑龙江省大兴安岭地区塔河县… , starting under ``below`` when given."""
        names = []
        for node in self.ancestors():
            if below is not None and node.depth <= below.depth:
                continue
            names.append(node.display_name)
        return " ".join(names)

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)

    def subtree(self) -> models.QuerySet[Region]:
        return Region.objects.filter(path__startswith=self.path)
