"""农村集体经济 (plan task 8): the village's collective economic organisation, its members (linked to
the registry's members by ID hash, never copying personal data), shares and 股权证, the 三资 ledger
(resources, contracts and their payments, the cash journal), yearly distributions with one line per
member, and the published 村务公开 copies. The village's own project assets (assets app, 经营性,
owned by the village collective) are read where they are, never copied."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope

MONEY = {"max_digits": 14, "decimal_places": 2}
SHARES = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0")


class OrgKind(models.TextChoices):
    JOINT_STOCK = "joint_stock", _("股份经济合作社")
    ECONOMIC = "economic", _("经济合作社")


@scope.register(region="village", departments="none")
class Organisation(models.Model):
    """One 农村集体经济组织 per village, with its registration and share scheme."""

    village = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="collective", verbose_name=_("所在村")
    )
    name = models.CharField(_("组织名称"), max_length=100)
    kind = models.CharField(_("组织类型"), max_length=16, choices=OrgKind.choices, default=OrgKind.JOINT_STOCK)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    certificate_date = models.DateField(_("登记证书日期"), null=True, blank=True)
    council = models.CharField(_("理事会成员"), max_length=300, blank=True)
    supervisors = models.CharField(_("监事会成员"), max_length=300, blank=True)
    # The share scheme (股权设置): shares per confirmed member (人口股), per year of work (劳龄股),
    # and the collective's own shares (集体股, 0 where the scheme keeps none).
    population_shares = models.DecimalField(_("每名成员人口股"), **SHARES, default=Decimal("1"))
    labour_share_per_year = models.DecimalField(_("每年劳龄折股"), **SHARES, default=ZERO)
    collective_shares = models.DecimalField(_("集体股"), **SHARES, default=ZERO)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("集体经济组织")
        verbose_name_plural = _("集体经济组织")
        ordering = ["village__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="collective_credit_code"
            ),
            models.CheckConstraint(condition=Q(collective_shares__gte=0), name="collective_org_shares"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberState(models.TextChoices):
    APPLIED = "applied", _("已申请")
    APPRAISED = "appraised", _("已民主评议")
    POSTED = "posted", _("公示中")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")
    LEFT = "left", _("已丧失成员身份")


class LeaveReason(models.TextChoices):
    DEATH = "death", _("死亡")
    MOVED = "moved", _("迁出并取得其他组织成员身份")
    GAVE_UP = "gave_up", _("书面自愿放弃")
    OTHER = "other", _("其他（依法依章程）")


@scope.register(region="organisation__village", departments="none")
class CollectiveMember(models.Model):
    """A member of the organisation: the person is the registry's member with this ID hash (name,
    ID number and household are read from the registry, never stored here)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", verbose_name=_("集体经济组织")
    )
    id_hash = models.CharField(_("身份证号索引"), max_length=64)
    state = models.CharField(_("状态"), max_length=16, choices=MemberState.choices, default=MemberState.APPLIED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    applied_on = models.DateField(_("申请日期"))
    labour_years = models.PositiveSmallIntegerField(_("劳龄（年）"), default=0)
    appraisal_meeting = models.CharField(_("民主评议会议"), max_length=200, blank=True)
    posted_on = models.DateField(_("公示日期"), null=True, blank=True)
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True)
    certificate_no = models.CharField(_("股权证号"), max_length=40, blank=True)
    certificate_on = models.DateField(_("发证日期"), null=True, blank=True)
    left_reason = models.CharField(_("丧失身份原因"), max_length=16, choices=LeaveReason.choices, blank=True)
    left_on = models.DateField(_("丧失身份日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("确认人")
    )

    audit_exclude = {"id_hash"}

    def __str__(self) -> str:
        if self.certificate_no:
            return f"集体经济组织成员（股权证 {self.certificate_no}）"
        return f"集体经济组织成员申请（{self.applied_on:%Y年%m月%d日}）"

    class Meta:
        verbose_name = _("集体经济组织成员")
        verbose_name_plural = _("集体经济组织成员")
        ordering = ["organisation", "id"]
        constraints = [
            # one person is a member of one organisation at a time (leaving frees them)
            models.UniqueConstraint(
                fields=["id_hash"], condition=~Q(state__in=["left", "rejected"]), name="collective_member_once"
            ),
            models.UniqueConstraint(
                fields=["certificate_no"], condition=~Q(certificate_no=""), name="collective_certificate_no"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "state"], name="collective_member_state")]


@scope.register(region="member__organisation__village", departments="none")
class MemberEvent(models.Model):
    """The member's procedure, insert-only: who did which step, when, on what record."""

    member = models.ForeignKey(
        CollectiveMember, on_delete=models.PROTECT, related_name="events", verbose_name=_("成员")
    )
    code = models.CharField(_("步骤"), max_length=16)
    label = models.CharField(_("步骤名称"), max_length=40)
    from_state = models.CharField(_("原状态"), max_length=16, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("办理人")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    def __str__(self) -> str:
        return f"成员身份确认：{self.label}"

    class Meta:
        verbose_name = _("成员身份确认记录")
        verbose_name_plural = _("成员身份确认记录")
        ordering = ["member", "id"]


class ShareKind(models.TextChoices):
    POPULATION = "population", _("人口股")
    LABOUR = "labour", _("劳龄股")


@scope.register(region="member__organisation__village", departments="none")
class ShareHolding(models.Model):
    member = models.ForeignKey(
        CollectiveMember, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("成员")
    )
    kind = models.CharField(_("股份类别"), max_length=16, choices=ShareKind.choices)
    shares = models.DecimalField(_("股数"), **SHARES)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.shares} 股"

    class Meta:
        verbose_name = _("成员股权")
        verbose_name_plural = _("成员股权")
        ordering = ["member", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="collective_holding_once"),
            models.CheckConstraint(condition=Q(shares__gte=0), name="collective_holding_not_negative"),
        ]


class ShareChangeKind(models.TextChoices):
    ALLOT = "allot", _("确认配股")
    INHERIT = "inherit", _("继承")
    TRANSFER = "transfer", _("组织内转让")
    SET = "set", _("核定（股权登记簿导入）")


@scope.register(region="organisation__village", departments="none")
class ShareChange(models.Model):
    """Every change of a holding (history): allotment at confirmation, inheritance, transfer."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="share_changes", verbose_name=_("集体经济组织")
    )
    kind = models.CharField(_("变更类型"), max_length=16, choices=ShareChangeKind.choices)
    share_kind = models.CharField(_("股份类别"), max_length=16, choices=ShareKind.choices)
    from_member = models.ForeignKey(
        CollectiveMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转出成员")
    )
    to_member = models.ForeignKey(
        CollectiveMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("转入成员")
    )
    shares = models.DecimalField(_("股数"), **SHARES)
    approval = models.CharField(_("批准（会议或文件）"), max_length=200, blank=True)
    date = models.DateField(_("变更日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )

    def __str__(self) -> str:
        return f"股权{self.get_kind_display()} {self.shares} 股（{self.date:%Y年%m月%d日}）"

    class Meta:
        verbose_name = _("股权变更")
        verbose_name_plural = _("股权变更")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(shares__gt=0), name="collective_change_positive")]


class ResourceKind(models.TextChoices):
    LAND = "land", _("耕地")
    FOREST = "forest", _("林地")
    GRASSLAND = "grassland", _("草地")
    WATER = "water", _("水面")
    CONSTRUCTION = "construction", _("建设用地")
    FACILITY = "facility", _("设施")
    EQUIPMENT = "equipment", _("设备")


@scope.register(region="organisation__village", departments="none")
class Resource(models.Model):
    """A 资源 (land, forest, grassland, water surface) or a non-project facility or equipment."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="resources", verbose_name=_("集体经济组织")
    )
    kind = models.CharField(_("类别"), max_length=16, choices=ResourceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    area = models.DecimalField(_("面积或数量"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=8, default="亩")
    location = models.CharField(_("坐落"), max_length=200, blank=True)
    value = models.DecimalField(_("账面价值（元）"), **MONEY, default=ZERO)

    def __str__(self) -> str:
        return f"{self.name}（{self.get_kind_display()}）"

    class Meta:
        verbose_name = _("集体资源")
        verbose_name_plural = _("集体资源")
        ordering = ["organisation", "kind", "id"]
        constraints = [models.CheckConstraint(condition=Q(area__gte=0), name="collective_resource_area")]


class AwardMethod(models.TextChoices):
    BIDDING = "bidding", _("公开竞价")
    EXCHANGE = "exchange", _("产权交易市场")
    DEMOCRATIC = "democratic", _("民主决策")


@scope.register(region="organisation__village", departments="none")
class Contract(models.Model):
    """A lease or contracting-out of a resource, facility or equipment (or a village project asset)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("集体经济组织")
    )
    code = models.CharField(_("合同编号"), max_length=40, unique=True)
    party = models.CharField(_("承包（承租）方"), max_length=100)
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts", verbose_name=_("标的资源")
    )
    asset = models.ForeignKey(
        "assets.Asset",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("标的项目资产"),
    )
    subject = models.CharField(_("标的"), max_length=200)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("终止日期"))
    annual_price = models.DecimalField(_("年租金或承包费（元）"), **MONEY)
    award_method = models.CharField(_("发包方式"), max_length=16, choices=AwardMethod.choices)
    meeting_record = models.CharField(_("决策记录（会议、日期）"), max_length=200, blank=True)
    written = models.BooleanField(_("有书面合同"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )

    class Meta:
        verbose_name = _("集体经济合同")
        verbose_name_plural = _("集体经济合同")
        ordering = ["organisation", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="collective_contract_term"),
            models.CheckConstraint(condition=Q(annual_price__gte=0), name="collective_contract_price"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.subject}"


@scope.register(region="contract__organisation__village", departments="none")
class ContractPayment(models.Model):
    """One due payment of a contract's schedule and what was received against it."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments", verbose_name=_("合同"))
    due_on = models.DateField(_("应收日期"))
    amount = models.DecimalField(_("应收金额（元）"), **MONEY)
    paid_amount = models.DecimalField(_("已收金额（元）"), **MONEY, default=ZERO)
    paid_on = models.DateField(_("收款日期"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.due_on:%Y年%m月%d日}应收 {self.amount} 元"

    class Meta:
        verbose_name = _("合同收款")
        verbose_name_plural = _("合同收款")
        ordering = ["contract", "due_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(paid_amount__gte=0) & Q(paid_amount__lte=models.F("amount")),
                name="collective_payment_amounts",
            )
        ]

    @property
    def owing(self) -> Decimal:
        return self.amount - self.paid_amount


class ProblemKind(models.TextChoices):
    NO_CONTRACT = "no_contract", _("无合同")
    LOW_PRICE = "low_price", _("低价")
    OVERDUE = "overdue", _("超期")
    ARREARS = "arrears", _("欠款")


@scope.register(region="contract__organisation__village", departments="none")
class ContractProblem(models.Model):
    """清化收 清理合同: a problem found on reviewing a contract, rectified through the ledger's
    rectification item (``item_ref``); closing the item records ``rectified_on`` here."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="problems", verbose_name=_("合同"))
    kind = models.CharField(_("问题类别"), max_length=16, choices=ProblemKind.choices)
    detail = models.CharField(_("问题说明"), max_length=200, blank=True)
    found_on = models.DateField(_("发现日期"))
    item_ref = models.CharField(_("整改事项编号"), max_length=32, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )

    def __str__(self) -> str:
        return f"{self.contract.code if self.contract_id else ''} {self.get_kind_display()}"

    class Meta:
        verbose_name = _("清化收合同问题")
        verbose_name_plural = _("清化收合同问题")
        ordering = ["contract", "found_on", "id"]
        constraints = [  # one open problem of a kind per contract
            models.UniqueConstraint(
                fields=["contract", "kind"], condition=Q(rectified_on__isnull=True), name="collective_problem_open"
            )
        ]


class Direction(models.TextChoices):
    INCOME = "income", _("收入")
    EXPENSE = "expense", _("支出")


class Category(models.TextChoices):
    OPERATING = "operating", _("经营收入")
    CONTRACTING = "contracting", _("发包及上交收入")
    INVESTMENT = "investment", _("投资收益")
    SUBSIDY = "subsidy", _("补助收入")
    OTHER_INCOME = "other_income", _("其他收入")
    OPERATING_COST = "operating_cost", _("经营支出")
    MANAGEMENT = "management", _("管理费用")
    WELFARE = "welfare", _("公益支出")
    OTHER_EXPENSE = "other_expense", _("其他支出")
    DEBT_REPAID = "debt_repaid", _("偿还债务")
    CLAIM_COLLECTED = "claim_collected", _("收回欠款")


INCOME_CATEGORIES = {"operating", "contracting", "investment", "subsidy", "other_income", "claim_collected"}
# 经营性收入 as the 薄弱村 test counts it: operating, contracting and investment income.
OPERATING_CATEGORIES = ("operating", "contracting", "investment")


@scope.register(region="organisation__village", departments="none")
class JournalEntry(models.Model):
    """A cash or bank journal line (现金/银行日记账), by category."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="journal", verbose_name=_("集体经济组织")
    )
    date = models.DateField(_("日期"))
    voucher = models.CharField(_("凭证号"), max_length=20, blank=True)
    account = models.CharField(_("账户"), max_length=40, default="银行存款")
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    summary = models.CharField(_("摘要"), max_length=200)
    payment = models.ForeignKey(
        ContractPayment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("合同收款")
    )
    debt = models.ForeignKey(
        "Debt", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("债权债务")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )

    def __str__(self) -> str:
        return f"{self.date:%Y年%m月%d日} {self.summary}"

    class Meta:
        verbose_name = _("收支日记账")
        verbose_name_plural = _("收支日记账")
        ordering = ["organisation", "date", "id"]
        indexes = [models.Index(fields=["organisation", "date"], name="collective_journal_date")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="collective_journal_positive")]

    @property
    def is_income(self) -> bool:
        return self.category in INCOME_CATEGORIES


class DebtKind(models.TextChoices):
    DEBT = "debt", _("债务（应付）")
    CLAIM = "claim", _("债权（应收欠款）")


@scope.register(region="organisation__village", departments="none")
class Debt(models.Model):
    """A village debt or a claim on others (欠款): what is left is resolved (化解债务) or collected
    (收缴欠款) through the journal."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="debts", verbose_name=_("集体经济组织")
    )
    kind = models.CharField(_("类别"), max_length=8, choices=DebtKind.choices)
    counterparty = models.CharField(_("对方单位或个人"), max_length=100)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    settled = models.DecimalField(_("已化解或收回（元）"), **MONEY, default=ZERO)
    incurred_on = models.DateField(_("形成日期"))
    cause = models.CharField(_("形成原因"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("登记人")
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.counterparty}"

    class Meta:
        verbose_name = _("债权债务")
        verbose_name_plural = _("债权债务")
        ordering = ["organisation", "kind", "incurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(settled__gte=0) & Q(settled__lte=models.F("amount")),
                name="collective_debt_amounts",
            )
        ]

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.settled


class DistributionState(models.TextChoices):
    DRAFT = "draft", _("草案")
    APPROVED = "approved", _("成员大会已通过")
    POSTED = "posted", _("已公示")
    PAID = "paid", _("已发放")


@scope.register(region="organisation__village", departments="none")
class Distribution(models.Model):
    """A year's distribution plan: 公积公益金 set aside, the rest paid as dividends per share; the
    lines (one per member) add up exactly to ``dividend_total``."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("集体经济组织")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    distributable_total = models.DecimalField(_("可分配收益（元）"), **MONEY)
    reserve_rate = models.DecimalField(_("公积公益金比例"), max_digits=5, decimal_places=4)
    reserve_total = models.DecimalField(_("提取公积公益金（元）"), **MONEY)
    collective_total = models.DecimalField(_("集体股分红（元）"), **MONEY, default=ZERO)
    dividend_total = models.DecimalField(_("成员分红总额（元）"), **MONEY)
    per_share = models.DecimalField(_("每股分红（元）"), max_digits=14, decimal_places=6)
    total_shares = models.DecimalField(_("参与分配股数"), max_digits=16, decimal_places=2)
    state = models.CharField(_("状态"), max_length=16, choices=DistributionState.choices, default="draft")
    version = models.PositiveIntegerField(_("版本"), default=1)
    meeting = models.CharField(_("成员（代表）大会决议"), max_length=200, blank=True)
    posted_on = models.DateField(_("公示日期"), null=True, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("编制人")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("通过录入人")
    )
    created_at = models.DateTimeField(_("编制时间"), auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.year}年度收益分配方案"

    class Meta:
        verbose_name = _("收益分配方案")
        verbose_name_plural = _("收益分配方案")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="collective_distribution_year"),
            models.CheckConstraint(
                condition=Q(reserve_rate__gte=0) & Q(reserve_rate__lte=1), name="collective_reserve_rate"
            ),
            # reserve + collective + dividends = distributable is checked by the service (exact
            # decimals; SQLite would compare the sum as floating point)
            models.CheckConstraint(
                condition=Q(dividend_total__gte=0) & Q(reserve_total__gte=0) & Q(collective_total__gte=0),
                name="collective_distribution_not_negative",
            ),
        ]


@scope.register(region="distribution__organisation__village", departments="none")
class DistributionLine(models.Model):
    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="lines", verbose_name=_("分配方案")
    )
    member = models.ForeignKey(CollectiveMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("成员"))
    shares = models.DecimalField(_("股数"), **SHARES)
    amount = models.DecimalField(_("分红金额（元）"), **MONEY)

    def __str__(self) -> str:
        return f"分红 {self.amount} 元（{self.shares} 股）"

    class Meta:
        verbose_name = _("分配明细")
        verbose_name_plural = _("分配明细")
        ordering = ["distribution", "member"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "member"], name="collective_line_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="collective_line_amount"),
        ]


class DisclosureKind(models.TextChoices):
    FINANCE = "finance", _("财务收支公开")
    CONTRACTS = "contracts", _("合同公开")
    DISTRIBUTION = "distribution", _("收益分配公开")


@scope.register(region="organisation__village", departments="none")
class Disclosure(models.Model):
    """A published copy (村务公开): frozen at publication, no personal numbers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("集体经济组织")
    )
    kind = models.CharField(_("公开类别"), max_length=16, choices=DisclosureKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    content = models.JSONField(_("公开内容"))
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("发布人")
    )

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度{self.get_kind_display()}公开"

    class Meta:
        verbose_name = _("村务公开")
        verbose_name_plural = _("村务公开")
        ordering = ["organisation", "-year", "-quarter", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "year", "quarter"], name="collective_disclosure_once"
            )
        ]
