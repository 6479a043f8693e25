"""Saved column mappings (issue 22): how another office's spreadsheet fills one import's template.

A mapping belongs to a region (a county's mapping is visible to its townships and villages; one with
no region is the whole system's) and is versioned: saving under the same name adds a version, the
latest is used, earlier ones stay for the record. The definition is the JSON form of
``zhenxing.lib.mapping`` (columns, values, defaults, combine)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedMapping(models.Model):
    kind = models.CharField("导入类型", max_length=40)
    name = models.CharField("映射名称", max_length=80)
    version = models.PositiveIntegerField("版本", default=1)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField("所属区划路径", max_length=255, blank=True, default="", db_index=True)
    definition = models.JSONField("映射内容")
    note = models.CharField("说明", max_length=200, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("保存时间", auto_now_add=True)

    class Meta:
        verbose_name = "导入列映射"
        verbose_name_plural = "导入列映射"
        constraints = [
            models.UniqueConstraint(fields=["kind", "name", "region_path", "version"], name="mapping_version_unique")
        ]
        ordering = ["kind", "name", "-version"]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"
