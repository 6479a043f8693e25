"""衔接资金 and 项目库: projects and their lifecycle, allocations, assignments, payments, beneficiaries,
small loans, leakage findings and public disclosure.

Money rules live in the database as well as in the services: amounts are positive, running
totals (``Allocation.assigned_total``, ``Project.assigned_total``, ``Project.paid_total``) are
kept with F() updates in the same transaction as the row that changes them, and CHECK
constraints refuse any write that would assign more than was allocated or pay more than was
assigned, whoever writes it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from zhenxing.accounts import scope
from zhenxing.accounts.models import Department

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0")


class ProjectType(models.TextChoices):
    INDUSTRY = "industry", _("产业")
    EMPLOYMENT = "employment", _("就业")
    RURAL_CONSTRUCTION = "rural_construction", _("乡村建设")
    INFRASTRUCTURE = "infrastructure", _("基础设施")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    OTHER = "other", _("其他")


class BuildType(models.TextChoices):
    NEW = "new", _("新建")
    EXTEND = "extend", _("扩建")
    REBUILD = "rebuild", _("改建")
    REPAIR = "repair", _("维修")
    PURCHASE = "purchase", _("购置")
    SUPPORT = "support", _("补助")


class ProjectStatus(models.TextChoices):
    """The lifecycle, in order (the transitions themselves are data in ``lifecycle.py``)."""

    DECLARED = "declared", _("申报")
    TOWNSHIP_REVIEWED = "township_reviewed", _("乡镇审核")
    APPRAISED = "appraised", _("论证")
    APPROVED = "approved", _("县级审定（入库）")
    PLANNED = "planned", _("纳入年度计划")
    STARTED = "started", _("开工")
    IN_PROGRESS = "in_progress", _("在建")
    COMPLETED = "completed", _("竣工")
    ACCEPTED = "accepted", _("验收")
    HANDED_OVER = "handed_over", _("资产移交")
    # Off the main line: sent back to the village for changes (it declares again), or refused.
    RETURNED = "returned", _("退回修改")
    REFUSED = "refused", _("不予入库")


OFF_LINE_STATUSES = (ProjectStatus.RETURNED, ProjectStatus.REFUSED)
STATUS_ORDER = [s.value for s in ProjectStatus if s not in OFF_LINE_STATUSES]
# In the county pool (入库) from approval on.
POOL_STATUSES = STATUS_ORDER[STATUS_ORDER.index(ProjectStatus.APPROVED) :]
PLAN_STATUSES = STATUS_ORDER[STATUS_ORDER.index(ProjectStatus.PLANNED) :]


class FundSource(models.TextChoices):
    CENTRAL = "central", _("中央衔接资金")
    PROVINCIAL = "provincial", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")
    EAST_WEST = "east_west", _("东西部协作")
    SOCIAL = "social", _("社会帮扶")
    OTHER = "other", _("其他")


class BenefitWay(models.TextChoices):
    WAGES = "wages", _("务工工资")
    DIVIDENDS = "dividends", _("分红")
    LAND_RENT = "land_rent", _("土地流转租金")
    DIRECT = "direct", _("直接补助")


@scope.register(region="county", departments="none")
class YearParameter(models.Model):
    """A year's rules (*varies*): the industry share minimum and the leakage threshold. A row with
    no county is the prefecture's rule; a county row overrides it."""

    year = models.PositiveSmallIntegerField(_("年度"))
    county = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县（空为全地区）"),
    )
    industry_min_share = models.DecimalField(
        _("衔接资金用于产业最低比例"), max_digits=5, decimal_places=4, default=Decimal("0.55")
    )
    max_projects_per_household = models.PositiveSmallIntegerField(_("同一户受益项目数上限"), default=3)
    acceptance_min_days = models.PositiveSmallIntegerField(_("竣工后至验收最少天数"), default=15)
    acceptance_min_paid_share = models.DecimalField(
        _("验收前最低支付比例（占概算）"), max_digits=5, decimal_places=4, default=Decimal("0.50")
    )

    class Meta:
        verbose_name = _("年度参数")
        verbose_name_plural = _("年度参数")
        constraints = [
            models.UniqueConstraint(fields=["year", "county"], name="funds_param_year_county"),
            models.UniqueConstraint(fields=["year"], condition=Q(county__isnull=True), name="funds_param_year_all"),
            models.CheckConstraint(
                condition=Q(industry_min_share__gte=0) & Q(industry_min_share__lte=1), name="funds_param_share_range"
            ),
            models.CheckConstraint(
                condition=Q(acceptance_min_paid_share__gte=0) & Q(acceptance_min_paid_share__lte=1),
                name="funds_param_acceptance_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年参数"


# The pool's 乡村建设 projects are also 农业农村's and 住建's work (the village app's 乡村建设项目库):
# their accounts read those (not the pool's other projects) and write none (accounts.scope read_by).
@scope.register(
    region="village",
    departments="none",
    read_by=(Department.AGRICULTURE, Department.HOUSING),
    read_when=Q(type=ProjectType.RURAL_CONSTRUCTION),
)
class Project(models.Model):
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县"))
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="funds_projects", verbose_name=_("实施地点（村）")
    )
    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    type = models.CharField(_("项目类型"), max_length=24, choices=ProjectType.choices)
    build_type = models.CharField(_("建设性质"), max_length=16, choices=BuildType.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("入库年度"))
    plan_year = models.PositiveSmallIntegerField(_("计划年度"), null=True, blank=True)
    start_planned = models.DateField(_("计划开工"), null=True, blank=True)
    end_planned = models.DateField(_("计划完工"), null=True, blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    tasks = models.TextField(_("建设任务"), blank=True)
    budget = models.DecimalField(_("概算投资（元）"), **MONEY, default=ZERO)
    funding_sources = models.CharField(_("资金来源"), max_length=200, blank=True)
    planned_households = models.PositiveIntegerField(_("计划受益户数"), default=0)
    planned_people = models.PositiveIntegerField(_("计划受益人数"), default=0)
    performance_targets = models.TextField(_("绩效目标"), blank=True)
    benefit_mechanism = models.TextField(_("利益联结机制"), blank=True)
    status = models.CharField(_("状态"), max_length=24, choices=ProjectStatus.choices, default=ProjectStatus.DECLARED)
    status_date = models.DateField(_("状态日期"), null=True, blank=True)
    started_on = models.DateField(_("实际开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    negative_flags = models.JSONField(_("负面清单提示"), default=list, blank=True)
    # Denormalised running totals, kept by the services with F() and checked by the database.
    assigned_total = models.DecimalField(_("已安排资金"), **MONEY, default=ZERO)
    paid_total = models.DecimalField(_("已支付"), **MONEY, default=ZERO)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申报人"),
    )
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-year", "code"]
        indexes = [
            models.Index(fields=["county", "year", "status"], name="funds_project_county_year"),
            models.Index(fields=["village", "status"], name="funds_project_village"),
            models.Index(fields=["-year", "code"], name="funds_project_year_code"),  # the list's keyset
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="funds_project_budget_not_negative"),
            models.CheckConstraint(condition=Q(assigned_total__gte=0), name="funds_project_assigned_not_negative"),
            models.CheckConstraint(condition=Q(paid_total__gte=0), name="funds_project_paid_not_negative"),
            models.CheckConstraint(
                condition=Q(paid_total__lte=F("assigned_total")), name="funds_project_paid_within_assigned"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def in_pool(self) -> bool:
        return self.status in POOL_STATUSES


@scope.register(region="project__village", departments="none")
class ProjectTransition(models.Model):
    """Insert-only: every lifecycle step, by whom, when, on what evidence."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("项目"))
    from_status = models.CharField(_("原状态"), max_length=24, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=24, choices=ProjectStatus.choices)
    date = models.DateField(_("日期"))
    evidence = models.CharField(_("依据（文号、会议纪要等）"), max_length=300)
    note = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )
    actor_level = models.CharField(_("层级"), max_length=32, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目流程记录")
        verbose_name_plural = _("项目流程记录")
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.get_to_status_display()}"


@scope.register(region="county", departments="none")
class Allocation(models.Model):
    """Funds allocated to a county for a year (资金下达), identified by its document number."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县"))
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("资金来源"), max_length=16, choices=FundSource.choices)
    document_number = models.CharField(_("文号"), max_length=100)
    title = models.CharField(_("文件标题"), max_length=200, blank=True)
    issued_on = models.DateField(_("下达日期"))
    amount = models.DecimalField(_("下达金额（元）"), **MONEY)
    assigned_total = models.DecimalField(_("已安排到项目"), **MONEY, default=ZERO)

    class Meta:
        verbose_name = _("资金下达")
        verbose_name_plural = _("资金下达")
        ordering = ["-year", "county", "issued_on", "id"]
        indexes = [models.Index(fields=["county", "year", "source"], name="funds_alloc_county_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "source", "document_number"], name="funds_alloc_unique_document"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_alloc_amount_positive"),
            models.CheckConstraint(condition=Q(assigned_total__gte=0), name="funds_alloc_assigned_not_negative"),
            models.CheckConstraint(condition=Q(assigned_total__lte=F("amount")), name="funds_alloc_not_over_assigned"),
        ]

    def __str__(self) -> str:
        return f"{self.document_number}（{self.get_source_display()}）"

    @property
    def unassigned(self) -> Decimal:
        return self.amount - self.assigned_total


@scope.register(region="project__village", departments="none")
class Assignment(models.Model):
    """Part of an allocation put on a project (资金安排到项目), with its document number."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("资金下达")
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("项目"))
    amount = models.DecimalField(_("安排金额（元）"), **MONEY)
    document_number = models.CharField(_("文号"), max_length=100)
    date = models.DateField(_("安排日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金安排")
        verbose_name_plural = _("资金安排")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "project", "document_number"], name="funds_assignment_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_assignment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} {self.amount}"


@scope.register(region="project__village", departments="none")
class Payment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments", verbose_name=_("项目"))
    date = models.DateField(_("支付日期"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    payee_name = models.CharField(_("收款人"), max_length=100)
    # A person's ID number is kept only as keyed hash and masked form (companies have none).
    payee_id_hash = models.CharField(_("收款人身份证号索引"), max_length=64, blank=True, db_index=True)
    payee_id_masked = models.CharField(_("收款人身份证号"), max_length=18, blank=True)
    voucher_number = models.CharField(_("凭证号"), max_length=60)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    audit_exclude = {"payee_id_hash"}

    class Meta:
        verbose_name = _("资金支付")
        verbose_name_plural = _("资金支付")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "date"], name="funds_payment_project_date")]
        constraints = [
            models.UniqueConstraint(fields=["project", "voucher_number"], name="funds_payment_unique_voucher"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number} {self.amount}"


@scope.register(region="county", departments="none")
class CountyMonthFigure(models.Model):
    """Incremental aggregate: payments per county, plan year and month (kept by the payment services),
    so county figures never sum raw payments."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县"))
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    paid = models.DecimalField(_("已支付（元）"), **MONEY, default=ZERO)
    industry_paid = models.DecimalField(_("产业项目已支付（元）"), **MONEY, default=ZERO)
    payments = models.PositiveIntegerField(_("支付笔数"), default=0)

    audit_skip = True  # derived data; the payments themselves are audited

    class Meta:
        verbose_name = _("县月度资金支出")
        verbose_name_plural = _("县月度资金支出")
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "month"], name="funds_cmf_unique"),
            models.CheckConstraint(condition=Q(paid__gte=0) & Q(industry_paid__gte=0), name="funds_cmf_not_negative"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="funds_cmf_month"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name}{self.year}年{self.month}月资金支出"


@scope.register(region="county", departments="none")
class DisbursementPlan(models.Model):
    """The planned cumulative disbursement rate by the end of a month (支出进度计划)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县"))
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    target_rate = models.DecimalField(_("计划累计支出进度"), max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = _("支出进度计划")
        verbose_name_plural = _("支出进度计划")
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "month"], name="funds_plan_unique"),
            models.CheckConstraint(condition=Q(target_rate__gte=0) & Q(target_rate__lte=1), name="funds_plan_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.county.name}{self.year}年{self.month}月支出进度计划"


@scope.register(region="project__village", departments="none")
class Beneficiary(models.Model):
    """联农带农: a registry household that benefits from a project, and how."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="beneficiaries", verbose_name=_("项目"))
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("农户")
    )
    way = models.CharField(_("带动方式"), max_length=16, choices=BenefitWay.choices)
    amount = models.DecimalField(_("受益金额（元）"), **MONEY, default=ZERO)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("受益农户")
        verbose_name_plural = _("受益农户")
        constraints = [
            models.UniqueConstraint(fields=["project", "household", "way"], name="funds_beneficiary_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funds_beneficiary_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.household}（{self.project.name}受益农户）"


@scope.register(region="household__village", departments="none")
class MicroLoan(models.Model):
    """小额信贷: a small loan to a formerly-poor or monitored household (a 金融 measure)."""

    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("农户")
    )
    borrower_name = models.CharField(_("借款人"), max_length=64)
    bank = models.CharField(_("贷款银行"), max_length=100)
    contract_number = models.CharField(_("合同编号"), max_length=60, unique=True)
    amount = models.DecimalField(_("贷款金额（元）"), **MONEY)
    issued_on = models.DateField(_("放款日期"))
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    due_on = models.DateField(_("到期日"))
    annual_rate = models.DecimalField(_("年利率"), max_digits=6, decimal_places=4)
    interest_subsidy = models.DecimalField(_("贴息金额（元）"), **MONEY, default=ZERO)
    repaid = models.DecimalField(_("已还本金（元）"), **MONEY, default=ZERO)
    settled_on = models.DateField(_("结清日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("小额信贷")
        verbose_name_plural = _("小额信贷")
        ordering = ["-issued_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funds_loan_amount_positive"),
            models.CheckConstraint(
                condition=Q(repaid__gte=0) & Q(repaid__lte=F("amount")), name="funds_loan_repaid_within_amount"
            ),
            models.CheckConstraint(condition=Q(interest_subsidy__gte=0), name="funds_loan_subsidy"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_number} {self.borrower_name}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.repaid

    def is_overdue(self, as_of: dt.date | None = None) -> bool:
        as_of = as_of or dt.date.today()
        return self.settled_on is None and self.repaid < self.amount and self.due_on < as_of


@scope.register(region="user__region", departments="none")
class StaffIdentity(models.Model):
    """A staff member's ID (keyed hash only) and registry household, entered by admins, so that
    payments to staff or their households can be found. Accounts themselves hold no ID number."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="staff_identity",
        verbose_name=_("工作人员账户"),
    )
    name = models.CharField(_("姓名"), max_length=64)
    id_hash = models.CharField(_("身份证号索引"), max_length=64, unique=True)
    id_masked = models.CharField(_("身份证号"), max_length=18)
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所在农户"),
    )

    audit_exclude = {"id_hash"}

    class Meta:
        verbose_name = _("工作人员身份")
        verbose_name_plural = _("工作人员身份")

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class FindingKind(models.TextChoices):
    NOT_IN_REGISTRY = "not_in_registry", _("受益对象不在农户库")
    DEAD = "dead", _("受益对象已死亡")
    TOO_MANY_PROJECTS = "too_many_projects", _("同一户受益项目过多")
    STAFF_PAYEE = "staff_payee", _("收款人为工作人员或其家庭成员")
    OVER_BUDGET = "over_budget", _("支付超过项目概算")
    BEFORE_START = "before_start", _("开工前支付")
    NEGATIVE_LIST = "negative_list", _("项目属于负面清单")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    RECTIFYING = "rectifying", _("已转整改")
    DISMISSED = "dismissed", _("核实无问题")


@scope.register(region="project__village", departments="none")
class LeakageFinding(models.Model):
    """One suspicious record found by a leakage check (防止跑冒滴漏); re-runs update, never duplicate."""

    kind = models.CharField(_("问题类型"), max_length=24, choices=FindingKind.choices)
    key = models.CharField(_("去重键"), max_length=120, unique=True)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="findings", verbose_name=_("项目"))
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("支付")
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("农户")
    )
    detail = models.CharField(_("情况"), max_length=300)
    amount = models.DecimalField(_("涉及金额（元）"), **MONEY, default=ZERO)
    status = models.CharField(_("处理状态"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    still_present = models.BooleanField(_("最近一次检查仍存在"), default=True)
    first_found_at = models.DateTimeField(_("首次发现"), auto_now_add=True)
    last_checked_at = models.DateTimeField(_("最近检查"), auto_now=True)
    rectification_ref = models.CharField(_("整改事项"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("跑冒滴漏疑点")
        verbose_name_plural = _("跑冒滴漏疑点")
        ordering = ["status", "-first_found_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.detail}"


class DisclosureKind(models.TextChoices):
    POOL = "pool", _("项目库（入库项目）")
    PLAN = "plan", _("年度项目计划")
    ALLOCATIONS = "allocations", _("资金分配与安排")
    PROGRESS = "progress", _("项目实施进度与完成情况")
    ASSETS = "assets", _("项目资产移交")


class BoardLevel(models.TextChoices):
    VILLAGE = "village", _("村公示栏")
    TOWNSHIP = "township", _("乡镇公示栏")
    COUNTY = "county", _("县政府网站")


@scope.register(region="county", departments="none")
class Disclosure(models.Model):
    """A published notice (公告公示): a frozen copy of what was published, so the public pages show
    only what was published; publishing again after a change is a correction of the earlier one."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("县"))
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("公示内容"), max_length=16, choices=DisclosureKind.choices)
    board = models.CharField(_("公示渠道"), max_length=16, choices=BoardLevel.choices, default=BoardLevel.COUNTY)
    version = models.PositiveSmallIntegerField(_("版次"), default=1)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("更正的公示")
    )
    correction_note = models.TextField(_("更正说明"), blank=True)
    content = models.JSONField(_("公示内容快照"))
    period_start = models.DateField(_("公示开始"))
    period_end = models.DateField(_("公示结束"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("发布人")
    )

    class Meta:
        verbose_name = _("公告公示")
        verbose_name_plural = _("公告公示")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "kind", "version"], name="funds_disclosure_version"),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True) | Q(period_end__gte=F("period_start")),
                name="funds_disclosure_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_kind_display()}（第{self.version}版）"

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None
