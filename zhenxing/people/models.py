"""Village ledgers of employment help, social help, resident cadres and governance (issue 8).

Sections: county settings · employment (公益岗位, 帮扶车间, 劳务输出) · social help (百企兴百村) ·
resident cadres (驻村工作队) · points system (积分制) · list system (清单制).
People come from the registry (``registry.Member`` / ``registry.Household``); this module never
writes registry tables (see ``services.labour_wage_apply``).
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope

MONEY = {"max_digits": 12, "decimal_places": 2}


# ---------------------------------------------------------------- county settings (*varies*)
@scope.register(region="county", departments="region")
class CountySetting(models.Model):
    """What a county requires in a year; read through ``selectors.county_setting`` (defaults when absent)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）"))
    year = models.PositiveSmallIntegerField(_("年度"))
    workshop_poor_share = models.DecimalField(_("帮扶车间脱贫劳动力占比要求"), max_digits=4, decimal_places=3,
                                              default=Decimal("0.300"), help_text=_("如 0.300 表示 30%"))
    cadre_days_required = models.PositiveSmallIntegerField(_("驻村干部每年在村天数要求"), default=220)
    points_posting_days = models.PositiveSmallIntegerField(_("积分公示天数"), default=3)

    class Meta:
        verbose_name = _("县级要求设置")
        verbose_name_plural = _("县级要求设置")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="people_setting_county_year",
                                violation_error_message="该县该年度已有设置"),
            models.CheckConstraint(condition=Q(workshop_poor_share__gte=0) & Q(workshop_poor_share__lte=1),
                                   name="people_setting_share_range",
                               violation_error_message="占比要求须在0到1之间"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year}年"


# ---------------------------------------------------------------- employment
class PostKind(models.TextChoices):
    SANITATION = "sanitation", _("保洁员")
    FOREST = "forest", _("护林员")
    ROAD = "road", _("道路养护员")
    WATER = "water", _("水管员")
    SECURITY = "security", _("治安巡逻员")
    CARE = "care", _("养老护理员")
    OTHER = "other", _("其他")


class Funding(models.TextChoices):
    LINKAGE = "linkage", _("衔接资金")
    COUNTY = "county", _("县级财政")
    COLLECTIVE = "collective", _("村集体经济")
    SOCIAL = "social", _("社会帮扶")
    OTHER = "other", _("其他")


@scope.register(region="village")
class PublicPost(models.Model):
    """乡村公益岗位."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"))
    name = models.CharField(_("岗位名称"), max_length=64)
    kind = models.CharField(_("岗位类别"), max_length=16, choices=PostKind.choices)
    monthly_pay = models.DecimalField(_("月补贴标准（元）"), **MONEY)
    funding = models.CharField(_("资金来源"), max_length=16, choices=Funding.choices)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公益岗位")
        verbose_name_plural = _("公益岗位")
        ordering = ["village", "name", "id"]
        constraints = [models.CheckConstraint(condition=Q(monthly_pay__gte=0), name="people_post_pay_nonneg",
                               violation_error_message="月补贴标准不能为负数")]

    def __str__(self) -> str:
        return self.name


@scope.register(region="post__village")
class PostHolding(models.Model):
    post = models.ForeignKey(PublicPost, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("岗位"))
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("上岗人员"))
    start = models.DateField(_("上岗日期"))
    end = models.DateField(_("离岗日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("公益岗位上岗")
        verbose_name_plural = _("公益岗位上岗")
        ordering = ["-start", "id"]
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                                              name="people_holding_dates",
                               violation_error_message="离岗日期不能早于上岗日期")]

    def __str__(self) -> str:
        return f"{self.post} · {self.member.name}"


@scope.register(region="holding__post__village")
class PostPay(models.Model):
    """Monthly attendance and pay of one holding."""

    holding = models.ForeignKey(PostHolding, on_delete=models.CASCADE, related_name="pays", verbose_name=_("上岗记录"))
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    days_worked = models.PositiveSmallIntegerField(_("出勤天数"))
    pay = models.DecimalField(_("实发金额（元）"), **MONEY)

    class Meta:
        verbose_name = _("公益岗位考勤发放")
        verbose_name_plural = _("公益岗位考勤发放")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["holding", "month"], name="people_pay_holding_month",
                                violation_error_message="该人员该月已登记考勤发放"),
            models.CheckConstraint(condition=Q(pay__gte=0) & Q(days_worked__lte=31), name="people_pay_valid",
                               violation_error_message="出勤天数不能超过31天，实发金额不能为负数"),
        ]

    def __str__(self) -> str:
        return f"{self.holding} {self.month:%Y-%m}"


@scope.register(region="village")
class Workshop(models.Model):
    """帮扶车间."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村"))
    name = models.CharField(_("车间名称"), max_length=100)
    owner = models.CharField(_("经营主体"), max_length=100)
    products = models.CharField(_("主要产品"), max_length=200, blank=True)
    policy_support = models.CharField(_("享受扶持政策"), max_length=200, blank=True)
    support_amount = models.DecimalField(_("扶持资金（元）"), default=Decimal("0"), **MONEY)

    class Meta:
        verbose_name = _("帮扶车间")
        verbose_name_plural = _("帮扶车间")
        ordering = ["village", "name", "id"]

    def __str__(self) -> str:
        return self.name


@scope.register(region="workshop__village")
class WorkshopWorker(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="workers", verbose_name=_("车间"))
    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("务工人员"))
    start = models.DateField(_("入职日期"))
    end = models.DateField(_("离职日期"), null=True, blank=True)
    monthly_wage = models.DecimalField(_("月工资（元）"), default=Decimal("0"), **MONEY)

    class Meta:
        verbose_name = _("车间务工人员")
        verbose_name_plural = _("车间务工人员")
        ordering = ["-start", "id"]
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                                              name="people_worker_dates",
                               violation_error_message="离职日期不能早于入职日期")]

    def __str__(self) -> str:
        return f"{self.workshop} · {self.member.name}"


@scope.register(region="member__household__village")
class LabourExport(models.Model):
    """劳务输出: a person gone out to work."""

    member = models.ForeignKey("registry.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("务工人员"))
    destination = models.CharField(_("务工地点"), max_length=100)
    sector = models.CharField(_("从事行业"), max_length=64)
    since = models.DateField(_("外出日期"))
    until = models.DateField(_("返乡日期"), null=True, blank=True)
    monthly_income = models.DecimalField(_("月收入（元）"), **MONEY)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("劳务输出")
        verbose_name_plural = _("劳务输出")
        ordering = ["-since", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="people_export_dates",
                               violation_error_message="返乡日期不能早于外出日期"),
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="people_export_income_nonneg",
                               violation_error_message="月收入不能为负数"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.destination}"


# ---------------------------------------------------------------- social help (百企兴百村)
class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SOCIAL_ORG = "social_org", _("社会组织")


@scope.register(region="village")
class Pairing(models.Model):
    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("结对村"))
    partner = models.CharField(_("帮扶主体"), max_length=100)
    partner_kind = models.CharField(_("主体类型"), max_length=16, choices=PartnerKind.choices)
    since = models.DateField(_("结对日期"))
    committed_projects = models.PositiveIntegerField(_("承诺项目（个）"), default=0)
    committed_money = models.DecimalField(_("承诺资金（元）"), default=Decimal("0"), **MONEY)
    committed_jobs = models.PositiveIntegerField(_("承诺岗位（个）"), default=0)
    committed_purchases = models.DecimalField(_("承诺消费帮扶（元）"), default=Decimal("0"), **MONEY)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("百企兴百村结对")
        verbose_name_plural = _("百企兴百村结对")
        ordering = ["village", "partner", "id"]

    def __str__(self) -> str:
        return f"{self.partner} — {self.village}"


class DeliveryKind(models.TextChoices):
    PROJECT = "project", _("项目")
    MONEY = "money", _("资金")
    JOBS = "jobs", _("岗位")
    PURCHASE = "purchase", _("消费帮扶")


@scope.register(region="pairing__village")
class Delivery(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("结对"))
    date = models.DateField(_("兑现日期"))
    kind = models.CharField(_("兑现类型"), max_length=16, choices=DeliveryKind.choices)
    amount = models.DecimalField(_("金额（元）"), default=Decimal("0"), **MONEY)
    count = models.PositiveIntegerField(_("数量（个）"), default=0, help_text=_("项目个数或岗位个数"))
    note = models.CharField(_("内容"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("结对兑现")
        verbose_name_plural = _("结对兑现")
        ordering = ["-date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="people_delivery_amount_nonneg",
                               violation_error_message="金额不能为负数")]

    def __str__(self) -> str:
        return f"{self.pairing} {self.get_kind_display()}"


# ---------------------------------------------------------------- resident cadres (驻村工作队)
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
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                                              name="people_cadre_dates",
                               violation_error_message="离村日期不能早于驻村日期")]

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
        constraints = [models.UniqueConstraint(fields=["cadre", "date"], name="people_log_cadre_date",
                                violation_error_message="该干部当天已有工作日志")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.date}"


@scope.register(region="cadre__team__village")
class CadreHousehold(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="households", verbose_name=_("驻村干部"))
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("帮扶户"))

    class Meta:
        verbose_name = _("驻村干部帮扶户")
        verbose_name_plural = _("驻村干部帮扶户")
        constraints = [models.UniqueConstraint(fields=["cadre", "household"], name="people_cadre_household",
                                violation_error_message="已是该干部的帮扶户")]

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
        constraints = [models.UniqueConstraint(fields=["cadre", "year"], name="people_assessment_cadre_year",
                                violation_error_message="该干部该年度已有考核结果")]

    def __str__(self) -> str:
        return f"{self.cadre.name} {self.year}年 {self.get_result_display()}"


# ---------------------------------------------------------------- points system (积分制)
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
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="people_rule_points_nonzero",
                               violation_error_message="分值不能为0")]

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

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("农户"))
    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="entries", verbose_name=_("积分事项"))
    points = models.IntegerField(_("分值"))
    date = models.DateField(_("事项日期"))
    note = models.CharField(_("事由"), max_length=300, blank=True)
    proposer_name = models.CharField(_("提议人（村民小组长）"), max_length=64)
    state = models.CharField(_("状态"), max_length=16, choices=EntryState.choices, default=EntryState.PROPOSED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("录入人"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("确认人"))
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    posted_on = models.DateField(_("公示日期"), null=True, blank=True)
    credited_at = models.DateTimeField(_("入账时间"), null=True, blank=True)
    applied = models.IntegerField(_("实际入账分值"), null=True, blank=True,
                                  help_text=_("扣分超过余额时余额扣至零"))
    rejected_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
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

    household = models.OneToOneField("registry.Household", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("农户"))
    balance = models.IntegerField(_("积分余额"), default=0)
    earned = models.IntegerField(_("累计入账"), default=0)
    spent = models.IntegerField(_("累计兑换"), default=0)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="people_account_balance_nonneg",
                               violation_error_message="积分余额不能为负数")]

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
        constraints = [models.CheckConstraint(condition=Q(stock__gte=0), name="people_item_stock_nonneg",
                               violation_error_message="库存不能为负数"),
                       models.CheckConstraint(condition=Q(price__gt=0), name="people_item_price_pos",
                               violation_error_message="兑换积分须大于0")]

    def __str__(self) -> str:
        return f"{self.name}（{self.price}分）"


@scope.register(region="household__village")
class Redemption(models.Model):
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("农户"))
    item = models.ForeignKey(StoreItem, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("商品"))
    quantity = models.PositiveIntegerField(_("数量"))
    points = models.PositiveIntegerField(_("消耗积分"))
    date = models.DateField(_("兑换日期"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                           verbose_name=_("经办人"))

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="people_redemption_qty_pos",
                               violation_error_message="数量须大于0")]

    def __str__(self) -> str:
        return f"{self.household} {self.item.name}×{self.quantity}"


# ---------------------------------------------------------------- list system (清单制)
class PowerCategory(models.TextChoices):
    SPENDING = "spending", _("集体资金支出")
    CONTRACTING = "contracting", _("集体资产资源发包")
    SUBSIDY = "subsidy", _("补贴申请")
    HOUSING_SITE = "housing_site", _("宅基地审批")
    PROJECT = "project", _("村级工程项目")
    OTHER = "other", _("其他")


@scope.register(region="village")
class Power(models.Model):
    """A village micro-power with its published procedure (steps are data: ``PowerStep``)."""

    village = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("村"))
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("权力事项"), max_length=100)
    category = models.CharField(_("类别"), max_length=16, choices=PowerCategory.choices)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("小微权力事项")
        verbose_name_plural = _("小微权力事项")
        ordering = ["village", "number"]
        constraints = [models.UniqueConstraint(fields=["village", "number"], name="people_power_village_number",
                                violation_error_message="本村已有该序号的权力事项")]

    def __str__(self) -> str:
        return self.name


@scope.register(region="power__village")
class PowerStep(models.Model):
    power = models.ForeignKey(Power, on_delete=models.CASCADE, related_name="steps", verbose_name=_("权力事项"))
    order = models.PositiveSmallIntegerField(_("步骤"))
    name = models.CharField(_("环节"), max_length=100)
    actor = models.CharField(_("责任主体"), max_length=100)
    time_limit_days = models.PositiveSmallIntegerField(_("时限（天）"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理步骤")
        verbose_name_plural = _("办理步骤")
        ordering = ["power", "order"]
        constraints = [models.UniqueConstraint(fields=["power", "order"], name="people_step_power_order",
                                violation_error_message="该步骤序号已存在"),
                       models.CheckConstraint(condition=Q(order__gte=1), name="people_step_order_pos",
                               violation_error_message="步骤序号须从1开始")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class CaseState(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


@scope.register(region="power__village")
class PowerCase(models.Model):
    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="cases", verbose_name=_("权力事项"))
    title = models.CharField(_("事项名称"), max_length=200)
    applicant = models.CharField(_("申请人或经办人"), max_length=64, blank=True)
    opened = models.DateField(_("启动日期"))
    state = models.CharField(_("状态"), max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    done_steps = models.PositiveSmallIntegerField(_("已完成步骤"), default=0)
    version = models.PositiveIntegerField(default=1)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                  verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("小微权力办理事项")
        verbose_name_plural = _("小微权力办理事项")
        ordering = ["-opened", "-id"]

    def __str__(self) -> str:
        return self.title


@scope.register(region="case__power__village")
class CaseStep(models.Model):
    """Insert-only: who did which step of a case, and when."""

    case = models.ForeignKey(PowerCase, on_delete=models.PROTECT, related_name="records", verbose_name=_("办理事项"))
    step = models.ForeignKey(PowerStep, on_delete=models.PROTECT, related_name="+", verbose_name=_("步骤"))
    done_by = models.CharField(_("办理人"), max_length=64)
    done_on = models.DateField(_("办理日期"))
    note = models.CharField(_("办理情况"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["case", "step__order"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="people_casestep_case_step",
                                violation_error_message="该步骤已办理")]

    def __str__(self) -> str:
        return f"{self.case} {self.step}"
