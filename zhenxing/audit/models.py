from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "create": _("新增"),
    "update": _("修改"),
    "delete": _("删除"),
    "login": _("登录"),
    "login_failed": _("登录失败"),
    "login_locked": _("登录被锁定"),
    "account_locked": _("账户登录锁定"),
    "address_throttled": _("地址登录限制"),
    "lock_lift": _("解除登录锁定"),
    "token_revoke": _("注销接口令牌"),
    "logout": _("退出"),
    "export": _("导出"),
    "reveal_id": _("查看完整身份证号"),
    "reveal_phone": _("查看完整联系电话"),
    "import": _("导入"),
    "transition": _("流程操作"),
    "password_change": _("修改密码"),
    "token": _("签发接口令牌"),
    "backup": _("备份"),
    "restore": _("恢复"),
    "leakage_check": _("跑冒滴漏检查"),
    "leakage_dismiss": _("排除跑冒滴漏疑点"),
    "people.redeem": _("积分兑换"),
    "people.wage_apply": _("工资发放"),
    "publish": _("公开公示"),
    "screen": _("筛查比对"),
    "snapshot": _("生成指标快照"),
}


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """One line of the append-only audit log.

    The application refuses updates and deletes here; database triggers (see the migration)
    refuse them too, so not even a raw query through the app's connection can rewrite history.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # No FK constraint: nothing about a user may ever update an audit row.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    actor_region_path = models.CharField(_("操作人区划"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("地址"), null=True)
    action = models.CharField(_("操作"), max_length=32, db_index=True)
    model = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    extra = models.JSONField(_("附加信息"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    audit_skip = True

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [models.Index(fields=["model", "object_id", "at"], name="audit_object_at")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, "其他操作"))

    def __str__(self) -> str:
        return f"{self.action_label} {self.object_repr}".strip()
