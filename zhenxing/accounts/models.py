from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhenxing.regions.models import Level


class Role(models.TextChoices):
    PREFECTURE_ADMIN = "prefecture_admin", _("地区管理员")
    COUNTY_STAFF = "county_staff", _("县级工作人员")
    TOWNSHIP_STAFF = "township_staff", _("乡镇工作人员")
    VILLAGE_CADRE = "village_cadre", _("村干部")
    DEPARTMENT_STAFF = "department_staff", _("行业部门工作人员")
    INSPECTOR = "inspector", _("督查人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


class Department(models.TextChoices):
    """Line departments (行业部门); a department account sees only its own field."""

    MEDICAL_INSURANCE = "medical_insurance", _("医保")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    EDUCATION = "education", _("教育")
    HOUSING = "housing", _("住建")
    WATER = "water", _("水务")
    HUMAN_RESOURCES = "human_resources", _("人社")
    DISABLED_FEDERATION = "disabled_federation", _("残联")
    EMERGENCY = "emergency", _("应急")
    HEALTH = "health", _("卫健")
    PUBLIC_SECURITY = "public_security", _("公安")
    AGRICULTURE = "agriculture", _("农业农村")
    FINANCE = "finance", _("财政")
    TRANSPORT = "transport", _("交通")
    ECOLOGY = "ecology", _("生态环境")
    NATURAL_RESOURCES = "natural_resources", _("自然资源")


# The region levels at which each role may be placed.
ROLE_LEVELS: dict[str, set[str]] = {
    Role.PREFECTURE_ADMIN: {Level.PROVINCE, Level.PREFECTURE},
    Role.COUNTY_STAFF: {Level.COUNTY},
    Role.TOWNSHIP_STAFF: {Level.TOWNSHIP},
    Role.VILLAGE_CADRE: {Level.VILLAGE},
    Role.DEPARTMENT_STAFF: {Level.PREFECTURE, Level.COUNTY},
    Role.INSPECTOR: {Level.PROVINCE, Level.PREFECTURE, Level.COUNTY},
    Role.SYSTEM_ADMIN: {Level.PROVINCE, Level.PREFECTURE},
}
READ_ONLY_ROLES = {Role.INSPECTOR}
# Who maintains the region tree's own data (a county office's public phone): regions asks the
# actor (``manages_regions``) and so needs no import of accounts.
REGION_ADMIN_ROLES = {Role.PREFECTURE_ADMIN, Role.SYSTEM_ADMIN}


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, related_name="users", verbose_name=_("所属区划")
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    department = models.CharField(_("行业部门"), max_length=32, choices=Department.choices, blank=True)
    unit = models.CharField(_("工作单位"), max_length=128, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    # Never write password hashes into the audit log.
    audit_exclude = {"password", "last_login"}

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_read_only(self) -> bool:
        return self.role in READ_ONLY_ROLES

    @property
    def manages_regions(self) -> bool:
        return self.role in REGION_ADMIN_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class LoginAttempt(models.Model):
    """Every login try, kept to enforce the lock per account and the throttle per address
    (accounts/lockout.py)."""

    username = models.CharField(_("用户名"), max_length=150, db_index=True)
    ip = models.GenericIPAddressField(_("地址"), null=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    success = models.BooleanField(_("是否成功"), default=False)
    # An admin's lift: with the username and no address it restarts the account's count, with the
    # address and no username the address's.
    unlock = models.BooleanField(_("解除锁定"), default=False)

    audit_skip = True  # logins are audited as login events, not as record changes

    class Meta:
        verbose_name = _("登录尝试")
        verbose_name_plural = _("登录尝试")
        indexes = [models.Index(fields=["ip", "at"], name="loginattempt_ip_at")]

    def __str__(self) -> str:
        return f"{self.username}{'登录成功' if self.success else '登录失败'}（{timezone.localtime(self.at):%Y-%m-%d %H:%M}）"


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True)
    # A revoked token stays as a record of when and why it stopped working.
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("吊销原因"), max_length=40, blank=True)

    audit_exclude = {"key_hash", "last_used_at"}

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user}的接口令牌（{self.prefix}…）"
