"""The household registry: the ground truth that monitoring, screening and projects read."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope


class MonitoringStatus(models.TextChoices):
    NONE = "none", _("未纳入监测")
    MONITORED = "monitored", _("监测中")
    ELIMINATED = "eliminated", _("风险已消除")


class MonitoringKind(models.TextChoices):
    """National code table 100A03."""

    UNSTABLE = "100A03001", _("脱贫不稳定户")
    MARGINAL = "100A03002", _("边缘易致贫户")
    SUDDEN = "100A03003", _("突发严重困难户")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    SON_IN_LAW = "son_in_law", _("之女婿")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Labour(models.TextChoices):
    NORMAL = "normal", _("普通劳动力")
    WEAK = "weak", _("弱劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("大病")
    DISABLED = "disabled", _("残疾")


class Schooling(models.TextChoices):
    PRESCHOOL = "preschool", _("学龄前儿童")
    COMPULSORY = "compulsory", _("义务教育在校生")
    HIGH_SCHOOL = "high_school", _("高中或中职在校生")
    HIGHER = "higher", _("高等教育在校生")
    DROPOUT = "dropout", _("辍学")
    NOT_IN_SCHOOL = "not_in_school", _("非在校生")


class WorkStatus(models.TextChoices):
    OUT_OF_PROVINCE = "out_of_province", _("省外务工")
    IN_PROVINCE = "in_province", _("省内县外务工")
    IN_COUNTY = "in_county", _("县内务工")
    NONE = "none", _("未务工")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在户")
    LEFT = "left", _("已迁出")
    DEAD = "dead", _("已死亡")


@scope.register(region="village", departments="touched", household="pk")
class Household(models.Model):
    number = models.CharField(_("户编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="households", verbose_name=_("所在村")
    )
    address = models.CharField(_("住址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    formerly_poor = models.BooleanField(_("是否脱贫户"), default=False)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    # Written by the monitoring module, shown here.
    monitoring_status = models.CharField(
        _("监测状态"), max_length=16, choices=MonitoringStatus.choices, default=MonitoringStatus.NONE
    )
    monitoring_kind = models.CharField(_("监测对象类别"), max_length=16, choices=MonitoringKind.choices, blank=True)
    # 三保障和饮水安全
    housing_safe = models.BooleanField(_("住房安全"), default=True)
    schooling_secured = models.BooleanField(_("义务教育有保障"), default=True)
    medical_insured = models.BooleanField(_("全员参加基本医保"), default=True)
    water_safe = models.BooleanField(_("饮水安全"), default=True)
    # Derived, kept by services.household_recompute (never typed): the head's name for search and
    # sorting, living members, and the latest year's per-capita net income for filtering at scale.
    head_name = models.CharField(_("户主姓名"), max_length=64, blank=True, db_index=True)
    living_members = models.PositiveSmallIntegerField(_("在户人数"), default=0)
    income_year = models.PositiveSmallIntegerField(_("收入年度"), null=True, blank=True)
    per_capita_income = models.DecimalField(_("人均纯收入"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["number"]
        indexes = [
            models.Index(fields=["village", "number"], name="household_village_number"),
            models.Index(fields=["monitoring_status", "village"], name="household_status_village"),
            # keyset pagination by (sort column, id)
            models.Index(fields=["per_capita_income", "id"], name="household_income_id"),
            models.Index(fields=["head_name", "id"], name="household_head_name_id"),
            models.Index(fields=["formerly_poor", "village"], name="household_poor_village"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}".strip()


@scope.register(region="household__village", departments="touched", household="household")
class HouseholdIncome(models.Model):
    """A household's income for one year (several years kept)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="incomes", verbose_name=_("农户"))
    year = models.PositiveSmallIntegerField(_("收入年度"))
    wage_income = models.DecimalField(_("工资性收入"), max_digits=12, decimal_places=2, default=Decimal("0"))
    business_income = models.DecimalField(_("生产经营性收入"), max_digits=12, decimal_places=2, default=Decimal("0"))
    property_income = models.DecimalField(_("财产性收入"), max_digits=12, decimal_places=2, default=Decimal("0"))
    transfer_income = models.DecimalField(_("转移性收入"), max_digits=12, decimal_places=2, default=Decimal("0"))
    business_cost = models.DecimalField(_("生产经营性支出"), max_digits=12, decimal_places=2, default=Decimal("0"))
    eligible_spending = models.DecimalField(_("合规自付支出"), max_digits=12, decimal_places=2, default=Decimal("0"))
    # A figure the work of another module verified (home verification at identification, the helper's
    # income measurement at elimination): the year's net income is this figure, not the components'
    # sum, until the year's own collection records the components again (services.income_set).
    verified_net_income = models.DecimalField(
        _("核实家庭纯收入（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("入户核实或走访测算核定的全年家庭纯收入；有此数时按此数计算人均纯收入"),
    )
    verified_source = models.CharField(_("核实来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("家庭收入")
        verbose_name_plural = _("家庭收入")
        ordering = ["household", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="income_household_year"),
            models.CheckConstraint(
                condition=Q(wage_income__gte=0)
                & Q(business_income__gte=0)
                & Q(property_income__gte=0)
                & Q(transfer_income__gte=0)
                & Q(business_cost__gte=0)
                & Q(eligible_spending__gte=0),
                name="income_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年家庭收入"

    @property
    def net_income(self) -> Decimal:
        if self.verified_net_income is not None:
            return self.verified_net_income
        return (
            self.wage_income + self.business_income + self.property_income + self.transfer_income - self.business_cost
        )


@scope.register(region="household__village", departments="touched", household="household")
class Member(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("农户"))
    name = models.CharField(_("姓名"), max_length=64)
    # The citizen ID number is never stored in clear: ciphertext (key rotation by command),
    # a keyed hash for exact lookup (unique: one person, one household), and the masked form.
    id_cipher = models.TextField(_("身份证号密文"))
    id_hash = models.CharField(_("身份证号索引"), max_length=64, unique=True)
    id_masked = models.CharField(_("身份证号"), max_length=18)
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices)
    sex = models.CharField(_("性别"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    labour = models.CharField(_("劳动能力"), max_length=16, choices=Labour.choices, default=Labour.NORMAL)
    health = models.CharField(_("健康状况"), max_length=16, choices=Health.choices, default=Health.HEALTHY)
    schooling = models.CharField(
        _("在校状况"), max_length=16, choices=Schooling.choices, default=Schooling.NOT_IN_SCHOOL
    )
    work_status = models.CharField(_("务工状况"), max_length=16, choices=WorkStatus.choices, default=WorkStatus.NONE)
    insured = models.BooleanField(_("是否参加医保"), default=True)
    status = models.CharField(_("状态"), max_length=8, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)

    audit_exclude = {"id_cipher", "id_hash"}

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household", "id"]
        indexes = [
            models.Index(fields=["household", "status"], name="member_household_status"),
            models.Index(fields=["name"], name="member_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def alive(self) -> bool:
        return self.status != MemberStatus.DEAD


class MemberChangeKind(models.TextChoices):
    JOIN = "join", _("新增")
    MOVE = "move", _("户间迁移")
    LEAVE = "leave", _("迁出")
    DEATH = "death", _("死亡")


@scope.register(region="household__village", departments="touched", household="household")
class MemberChange(models.Model):
    """A member's move between households, death or departure: recorded, never an edit that loses history."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="changes", verbose_name=_("成员"))
    kind = models.CharField(_("变动类型"), max_length=8, choices=MemberChangeKind.choices)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="member_changes", verbose_name=_("农户")
    )
    from_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("原农户")
    )
    date = models.DateField(_("变动日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("成员变动")
        verbose_name_plural = _("成员变动")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.member.name}{self.get_kind_display()}（{self.date:%Y-%m-%d}）"


# The 三保障 and 饮水 flags other modules' work may change (services.household_record_apply).
HOUSEHOLD_FLAGS = ("housing_safe", "water_safe", "medical_insured", "schooling_secured")


@scope.register(region="household__village", departments="touched", household="household")
class HouseholdFlagChange(models.Model):
    """One change of a household's 三保障/饮水 flag made by the work of another module (an alert
    included, a rectification item closed, a risk eliminated): insert-only, with its source."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="flag_changes", verbose_name=_("农户")
    )
    field = models.CharField(_("项目"), max_length=24)
    old_value = models.BooleanField(_("原值"))
    new_value = models.BooleanField(_("新值"))
    source = models.CharField(_("来源编号"), max_length=64)
    source_label = models.CharField(_("来源"), max_length=200, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("三保障状况变更")
        verbose_name_plural = _("三保障状况变更")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        yes = {True: "是", False: "否"}
        return f"{self.field_label}：{yes[self.old_value]} → {yes[self.new_value]}"

    @property
    def field_label(self) -> str:
        return str(Household._meta.get_field(self.field).verbose_name)


@scope.register(region="household__village", departments="touched", household="household")
class HouseholdIncomeChange(models.Model):
    """One change of a household's net income for a year made by the work of another module (an
    identification's verified income, an elimination's measured income): insert-only, with its source."""

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="income_changes", verbose_name=_("农户")
    )
    year = models.PositiveSmallIntegerField(_("收入年度"))
    old_net_income = models.DecimalField(_("原家庭纯收入（元）"), max_digits=12, decimal_places=2, null=True)
    new_net_income = models.DecimalField(_("新家庭纯收入（元）"), max_digits=12, decimal_places=2)
    source = models.CharField(_("来源编号"), max_length=64)
    source_label = models.CharField(_("来源"), max_length=200, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("家庭收入核实变更")
        verbose_name_plural = _("家庭收入核实变更")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}年收入 {self.old_net_income}→{self.new_net_income}"
